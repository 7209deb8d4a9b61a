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

class ReceiptTest {

    private final FrameSealer sealer = new FrameSealer("key-1", SecretBytes.random(KeyLength.BYTES, new SecureRandom()));

    @Test
    void travelsAsTheWireShapeAndVerifiesWithTheKeyItCameUnder() {
        Receipt r = sealer.receipt("frame-1", "Bravo", "Alpha");
        String json = r.toJson();
        assertTrue(json.startsWith("{\"type\":\"receipt\",\"id\":\"frame-1\",\"sender\":\"Bravo\",\"recipient\":\"Alpha\","
                + "\"key_id\":\"key-1\",\"mac\":\""), json);
        Receipt back = Receipt.fromJson(json);
        assertEquals(r, back);
        assertTrue(sealer.receiptValid(back));

        FrameSealer other = new FrameSealer("key-1", SecretBytes.random(KeyLength.BYTES, new SecureRandom()));
        assertFalse(other.receiptValid(back), "another key cannot vouch for the receipt");
        assertFalse(sealer.receiptValid(new Receipt("frame-2", "Bravo", "Alpha", "key-1", r.mac())), "bound to the id");
        assertFalse(sealer.receiptValid(new Receipt("frame-1", "Alpha", "Bravo", "key-1", r.mac())), "bound to the direction");
    }

    @Test
    void refusesMalformedReceipts() {
        String mac = "00".repeat(KeyLength.BYTES);
        assertThrows(MalformedFrameException.class, () -> new Receipt("f", "Bravo", "*", "k", mac), "one recipient");
        assertThrows(MalformedFrameException.class, () -> new Receipt("f", "_bad", "Alpha", "k", mac));
        assertThrows(MalformedFrameException.class, () -> new Receipt("f", "Bravo", "Alpha", "k", "00"));
        assertThrows(MalformedFrameException.class, () -> Receipt.fromJson(
                "{\"type\":\"chat\",\"id\":\"f\",\"sender\":\"Bravo\",\"recipient\":\"Alpha\",\"key_id\":\"k\",\"mac\":\"" + mac + "\"}"));
    }
}
