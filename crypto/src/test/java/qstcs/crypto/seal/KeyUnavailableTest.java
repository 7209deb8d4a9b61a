package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.wire.MalformedFrameException;

class KeyUnavailableTest {
    private final SecretBytes key = SecretBytes.random(KeyLength.BYTES, new SecureRandom());

    @Test
    void travelsAsTheWireShapeAndVerifiesOnlyWithThePairKeyItNames() {
        KeyUnavailable k = KeyUnavailable.sign("frame-1", "Bravo", "Alpha", "key-2", "key-1", key);
        String json = k.toJson();
        assertTrue(json.startsWith("{\"type\":\"key_unavailable\",\"id\":\"frame-1\",\"sender\":\"Bravo\","
                + "\"recipient\":\"Alpha\",\"key_id\":\"key-2\",\"missing_key_id\":\"key-1\",\"mac\":\""), json);
        KeyUnavailable back = KeyUnavailable.fromJson(json);
        assertEquals(k, back);
        assertTrue(back.genuine(key));
        assertFalse(back.genuine(SecretBytes.random(KeyLength.BYTES, new SecureRandom())), "another key");
    }

    @Test
    void everyFieldIsBoundByTheMac() {
        KeyUnavailable k = KeyUnavailable.sign("frame-1", "Bravo", "Alpha", "key-2", "key-1", key);
        assertFalse(new KeyUnavailable("frame-9", "Bravo", "Alpha", "key-2", "key-1", k.mac()).genuine(key));
        assertFalse(new KeyUnavailable("frame-1", "Alpha", "Bravo", "key-2", "key-1", k.mac()).genuine(key));
        assertFalse(new KeyUnavailable("frame-1", "Bravo", "Charlie", "key-2", "key-1", k.mac()).genuine(key));
        assertFalse(new KeyUnavailable("frame-1", "Bravo", "Alpha", "key-3", "key-1", k.mac()).genuine(key));
        assertFalse(new KeyUnavailable("frame-1", "Bravo", "Alpha", "key-2", "key-0", k.mac()).genuine(key));
        char[] mac = k.mac().toCharArray();
        for (int i = 0; i < mac.length; i++) {
            char[] flipped = mac.clone();
            flipped[i] = flipped[i] == '0' ? '1' : '0';
            assertFalse(new KeyUnavailable("frame-1", "Bravo", "Alpha", "key-2", "key-1", new String(flipped))
                    .genuine(key), "mac digit " + i);
        }
    }

    @Test
    void refusesMalformedFrames() {
        String mac = "00".repeat(KeyLength.BYTES);
        assertThrows(MalformedFrameException.class, () -> new KeyUnavailable("f", "Bravo", "*", "k", "m", mac));
        assertThrows(MalformedFrameException.class, () -> new KeyUnavailable("f", "Bravo", "Alpha", "k", "bad id", mac));
        assertThrows(MalformedFrameException.class, () -> new KeyUnavailable("f", "Bravo", "Alpha", "k", "m", "00"));
        assertThrows(MalformedFrameException.class, () -> KeyUnavailable.fromJson("{\"type\":\"key_unavailable\","
                + "\"id\":\"f\",\"sender\":\"Bravo\",\"recipient\":\"Alpha\",\"key_id\":\"k\",\"mac\":\"" + mac + "\"}"));
    }
}
