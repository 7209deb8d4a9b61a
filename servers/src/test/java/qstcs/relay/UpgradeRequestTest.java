package qstcs.relay;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpgradeRequestTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String GOOD = "GET / HTTP/1.1\r\nHost: relay:8765\r\nUpgrade: websocket\r\n"
            + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static String accept(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return UpgradeRequest.acceptKey(b, 0, b.length);
    }

    @Test
    void aValidUpgradeGetsTheAcceptKeyOfRfc6455() {
        // RFC 6455 section 1.3's example.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", accept(GOOD));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", accept(GOOD.replace("GET / ", "GET /?v=1 ")));
    }

    @Test
    void anythingElseGoesToTheHttpRoutes() {
        assertNull(accept(GOOD.replace("GET / ", "GET /stats ")), "another path");
        assertNull(accept(GOOD.replace("GET ", "POST ")), "another method");
        assertNull(accept(GOOD.replace("HTTP/1.1", "HTTP/1.0")), "HTTP/1.0");
        assertNull(accept(GOOD.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")), "version 8");
        assertNull(accept(GOOD.replace("Upgrade: websocket\r\n", "")), "no Upgrade");
        assertNull(accept(GOOD.replace("keep-alive, Upgrade", "keep-alive")), "no Connection: upgrade");
        assertNull(accept(GOOD.replace("Host: relay:8765\r\n", "")), "no Host");
        assertNull(accept(GOOD.replace(KEY, "c2hvcnQ=")), "a key that is not 16 bytes");
        assertNull(accept(GOOD.replace("\r\n\r\n", "\r\nSec-WebSocket-Key: " + KEY + "\r\n\r\n")), "two keys");
        assertNull(accept(GOOD.replace("Host: relay", "Host : relay")), "space before the colon");
        assertNull(accept(GOOD.replace("\r\nUpgrade", "\r\n Upgrade")), "a folded line");
        assertNull(accept(GOOD.replace("\r\n\r\n", "\r\n")), "no end of head");
    }

    @Test
    void theHeadEndIsFoundAcrossTheBuffer() {
        byte[] b = ("xx" + GOOD + "rest").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(2 + GOOD.length(), UpgradeRequest.headEnd(b, 2, b.length));
        assertEquals(-1, UpgradeRequest.headEnd(b, 2, 2 + GOOD.length() - 1));
    }

    @Test
    void aHandedOffRequestAsksForTheConnectionToClose() {
        String head = "GET /stats HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n"
                + "Authorization: Bearer t\r\n\r\n";
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        String out = new String(UpgradeRequest.closingHead(b, 0, b.length), StandardCharsets.ISO_8859_1);
        assertEquals("GET /stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n", out);
        assertTrue(new String(UpgradeRequest.switching("abc"), StandardCharsets.US_ASCII)
                .startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
    }
}
