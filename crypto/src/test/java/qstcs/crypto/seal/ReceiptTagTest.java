package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.wire.CanonicalEncoding;

/** Receipts (✓✓) carry an HMAC under the pair key, so a relay can drop them but never forge one. */
class ReceiptTagTest {

    static final String KEY_ID = FrameSealerTest.KEY_ID;
    static final String ID = FrameSealerTest.ID;
    static final String ALPHA = FrameSealerTest.ALPHA;
    static final String BRAVO = FrameSealerTest.BRAVO;

    private final byte[] raw = SecretBytes.random(32, new SecureRandom()).toByteArray();
    private final FrameSealer alpha = new FrameSealer(KEY_ID, SecretBytes.copyOf(raw));
    private final FrameSealer bravo = new FrameSealer(KEY_ID, SecretBytes.copyOf(raw));

    @Test
    void theTagIsHmacSha256UnderTheReceiptKeyOfTheDirection() throws Exception {
        // Written out with the JDK alone, so a change of construction cannot pass unnoticed.
        byte[] receiptKey = KDF.getInstance("HKDF-SHA256").deriveData(HKDFParameterSpec.ofExtract().addIKM(raw)
                .thenExpand(("qstcs/1 receipt " + BRAVO + ">" + ALPHA).getBytes(StandardCharsets.UTF_8), 32));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(receiptKey, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(new CanonicalEncoding()
                .string("qstcs/1 receipt").string(ID).string(BRAVO).string(ALPHA).string(KEY_ID).toByteArray()));
        assertEquals(expected, bravo.receiptTag(ID, BRAVO, ALPHA));
    }

    @Test
    void theSenderAcceptsTheTagItsPeerMade() {
        String tag = bravo.receiptTag(ID, BRAVO, ALPHA);
        assertEquals(64, tag.length());
        assertTrue(alpha.receiptValid(ID, BRAVO, ALPHA, tag));
    }

    @Test
    void aTagForAnythingElseIsRefused() {
        String tag = bravo.receiptTag(ID, BRAVO, ALPHA);
        assertFalse(alpha.receiptValid("another-id", BRAVO, ALPHA, tag), "other message");
        assertFalse(alpha.receiptValid(ID, ALPHA, BRAVO, tag), "reflected to its maker");
        assertFalse(alpha.receiptValid(ID, "Soldier_Charlie", ALPHA, tag), "other sender");
        FrameSealer otherKeyId = new FrameSealer("another-key-id", SecretBytes.copyOf(raw));
        assertFalse(otherKeyId.receiptValid(ID, BRAVO, ALPHA, tag), "same key bits, other key_id");
        FrameSealer otherKey = new FrameSealer(KEY_ID, SecretBytes.random(32, new SecureRandom()));
        assertFalse(otherKey.receiptValid(ID, BRAVO, ALPHA, tag), "other key");
        char last = tag.charAt(63);
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, tag.substring(0, 63) + (last == '0' ? '1' : '0')), "one digit");
    }

    @Test
    void malformedInputIsNotAValidReceiptAndThrowsNothing() {
        String tag = bravo.receiptTag(ID, BRAVO, ALPHA);
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, null));
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, ""));
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, tag.toUpperCase()));
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, "zz" + tag.substring(2)));
        assertFalse(alpha.receiptValid(ID, BRAVO, ALPHA, tag + "00"));
        assertFalse(alpha.receiptValid("bad id", BRAVO, ALPHA, tag));
        assertFalse(alpha.receiptValid(ID, "Bad>Sender", ALPHA, tag));
        assertFalse(alpha.receiptValid(null, BRAVO, ALPHA, tag));
    }

    @Test
    void aDestroyedSealerMakesNoTags() {
        bravo.destroy();
        assertThrows(IllegalStateException.class, () -> bravo.receiptTag(ID, BRAVO, ALPHA));
        assertNotEquals(0, alpha.receiptTag(ID, BRAVO, ALPHA).length());
    }
}
