package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import qstcs.crypto.wire.MalformedFrameException;

class SealedFrameTest {

    static final String NONCE = "000102030405060708090a0b";
    static final String CT = "00112233445566778899aabbccddeeff0011";

    static SealedFrame sample() {
        return new SealedFrame("6f1c0c7e-3c5a-4a2b-9d1e-5b8f0e1a2c3d", "Soldier_Alpha", "Soldier_Bravo",
                "0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b", 17, 1_700_000_000L, NONCE, CT);
    }

    @Test
    void jsonHasTheDesignFieldNamesInOrder() {
        assertEquals("{\"type\":\"chat\",\"id\":\"6f1c0c7e-3c5a-4a2b-9d1e-5b8f0e1a2c3d\",\"sender\":\"Soldier_Alpha\","
                + "\"recipient\":\"Soldier_Bravo\",\"key_id\":\"0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b\",\"seq\":17,"
                + "\"timestamp\":1700000000,\"nonce\":\"" + NONCE + "\",\"ciphertext\":\"" + CT + "\"}", sample().toJson());
    }

    @Test
    void jsonRoundTripsAndIgnoresUnknownFields() {
        assertEquals(sample(), SealedFrame.fromJson(sample().toJson()));
        String annotated = sample().toJson().replace("{\"type\"", "{\"relay_note\":\"queued\",\"type\"");
        assertEquals(sample(), SealedFrame.fromJson(annotated));
    }

    @Test
    void refusesOtherTypesAndMissingFields() {
        String receipt = sample().toJson().replace("\"chat\"", "\"receipt\"");
        assertEquals("type must be \"chat\"",
                assertThrows(MalformedFrameException.class, () -> SealedFrame.fromJson(receipt)).getMessage());
        for (String field : new String[] {"id", "sender", "recipient", "key_id", "seq", "timestamp", "nonce", "ciphertext"}) {
            String json = sample().toJson().replace("\"" + field + "\":", "\"x" + field + "\":");
            MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> SealedFrame.fromJson(json));
            assertEquals("missing field '" + field + "'", e.getMessage());
        }
    }

    @Test
    void validatesEveryValueAndNamesIt() {
        SealedFrame s = sample();
        assertMessage("sender", () -> new SealedFrame(s.id(), "Soldier Alpha", s.recipient(), s.keyId(), 1, 1, NONCE, CT));
        assertMessage("sender", () -> new SealedFrame(s.id(), "*", s.recipient(), s.keyId(), 1, 1, NONCE, CT));
        assertMessage("recipient", () -> new SealedFrame(s.id(), s.sender(), "a>b", s.keyId(), 1, 1, NONCE, CT));
        assertMessage("id", () -> new SealedFrame("", s.sender(), s.recipient(), s.keyId(), 1, 1, NONCE, CT));
        assertMessage("key_id", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), "k".repeat(65), 1, 1, NONCE, CT));
        assertMessage("seq", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), -1, 1, NONCE, CT));
        assertMessage("timestamp", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), 1, -5, NONCE, CT));
        assertMessage("nonce", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), 1, 1, NONCE + "00", CT));
        assertMessage("nonce", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), 1, 1, NONCE.toUpperCase(), CT));
        assertMessage("ciphertext", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), 1, 1, NONCE, "00"));
        assertMessage("ciphertext", () -> new SealedFrame(s.id(), s.sender(), s.recipient(), s.keyId(), 1, 1, NONCE, CT + "0"));
        // A group frame goes to "*".
        assertEquals("*", new SealedFrame(s.id(), s.sender(), "*", s.keyId(), 1, 1, NONCE, CT).recipient());
    }

    @Test
    void toStringOmitsTheCiphertextAndNonce() {
        String text = sample().toString();
        assertTrue(text.contains("ciphertext=18 bytes"), text);
        assertTrue(!text.contains(CT) && !text.contains(NONCE), text);
    }

    private static void assertMessage(String field, org.junit.jupiter.api.function.Executable e) {
        MalformedFrameException x = assertThrows(MalformedFrameException.class, e);
        assertTrue(x.getMessage().startsWith(field + " "), x.getMessage());
    }
}
