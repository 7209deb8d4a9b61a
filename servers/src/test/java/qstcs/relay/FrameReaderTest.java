package qstcs.relay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The streaming header reader, without a server. */
class FrameReaderTest {

    private static RoutingHeader header(String text) {
        return assertInstanceOf(FrameReader.Header.class, FrameReader.read(text)).header();
    }

    private static FrameReader.Rejected rejected(String text) {
        return assertInstanceOf(FrameReader.Rejected.class, FrameReader.read(text));
    }

    @Test
    void readsOnlyTheRoutingFieldsAtTopLevel() {
        RoutingHeader h = header("{\"nonce\":\"aa\",\"inner\":{\"sender\":\"Eve\",\"type\":\"register\"},"
                + "\"type\":\"chat\",\"id\":\"1\",\"list\":[{\"recipient\":\"Eve\"}],\"sender\":\"A\",\"recipient\":\"B\","
                + "\"ciphertext\":\"\\u0041bc\",\"seq\":17,\"flag\":true,\"none\":null}");
        assertEquals(new RoutingHeader("chat", "1", "A", "B", null, null), h);
    }

    @Test
    void registerKeepsTheTokenButNeverPrintsIt() {
        RoutingHeader h = header("{\"type\":\"register\",\"device_id\":\"Soldier_Alpha\",\"token\":\"s3cr3t-token\"}");
        assertEquals("Soldier_Alpha", h.deviceId());
        assertEquals("s3cr3t-token", h.token());
        assertFalse(h.toString().contains("s3cr3t"), h.toString());
    }

    @Test
    void routableFramesCarryNoToken() {
        RoutingHeader h = header("{\"type\":\"chat\",\"id\":\"1\",\"sender\":\"A\",\"recipient\":\"*\",\"token\":\"t\"}");
        assertNull(h.token());
        assertEquals("*", h.recipient());
    }

    @Test
    void rejectsWithStableCodes() {
        assertEquals(ErrorCode.BAD_JSON, rejected("{").code());
        assertEquals(ErrorCode.BAD_JSON, rejected("{\"type\":\"ping\",\"type\":\"ping\"}").code());
        assertEquals(ErrorCode.BAD_JSON, rejected("{} {}").code());
        assertEquals(ErrorCode.NOT_OBJECT, rejected("[]").code());
        assertEquals(ErrorCode.NOT_OBJECT, rejected("null").code());
        assertEquals(ErrorCode.BAD_FIELD, rejected("{\"type\":1}").code());
        assertEquals(ErrorCode.MISSING_FIELD, rejected("{}").code());
        assertEquals(ErrorCode.UNKNOWN_TYPE, rejected("{\"type\":\"x\",\"id\":\"7\"}").code());
        assertEquals("7", rejected("{\"type\":\"x\",\"id\":\"7\"}").id());
        assertEquals(ErrorCode.MISSING_FIELD, rejected("{\"type\":\"chat\",\"id\":\"1\",\"sender\":\"A\"}").code());
        assertEquals(ErrorCode.BAD_FIELD, rejected("{\"type\":\"chat\",\"id\":\"1\",\"sender\":\"A\",\"recipient\":\"**\"}").code());
    }

    @Test
    void parserMessagesNeverLeakInput() {
        FrameReader.Rejected r = rejected("{\"type\":\"chat\",\"ciphertext\":SECRETSTUFF}");
        assertFalse(r.message().contains("SECRET"), r.message());
    }

    @Test
    void deepNestingIsRejectedNotFatal() {
        String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"type\":\"ping\"}";
        // Jackson's nesting limit (1,000) makes this bad JSON; it must not throw.
        assertEquals(ErrorCode.BAD_JSON, rejected(deep).code());
    }
}
