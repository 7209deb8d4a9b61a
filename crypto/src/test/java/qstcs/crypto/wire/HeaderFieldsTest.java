package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    /** Every char up to U+03FF plus look-alikes further out: other digits, fullwidth forms, surrogates. */
    static final String SAMPLE_CHARS;

    static {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x400; c++) {
            sb.append(c);
        }
        sb.append("\u0660\u06f1\u0966\u2024\u2212\u2010\u02d0\ud800\udfff\uff10\uff21\uff41\uff3f\ufe58\ufffd\uffff");
        SAMPLE_CHARS = sb.toString();
    }

    /**
     * Strings to hold a fast check against its pattern: every sample character alone and after a
     * letter, and random strings of 0-69 characters over the interesting alphabet.
     */
    static java.util.List<String> samples(long seed) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (char c : SAMPLE_CHARS.toCharArray()) {
            out.add(String.valueOf(c));
            out.add("a" + c);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        String alphabet = "aZ09_.-:>* /\u00e9";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(70);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void theFastChecksAgreeWithThePublishedPatterns() {
        samples(1).forEach(HeaderFieldsTest::agree);
    }

    @Test
    void recipientMayBeEveryone() {
        assertEquals("*", HeaderFields.requireRecipient("recipient", "*"));
        assertThrows(MalformedFrameException.class, () -> HeaderFields.requireDeviceId("sender", "*"));
    }

    @Test
    void messagesNameTheFieldAndSayWhatIsWrongWithoutRepeatingTheValue() {
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> HeaderFields.requireDeviceId("sender", "bad\u0000id" + "x".repeat(100)));
        assertEquals("sender must be " + DeviceId.RULE + " (got 106 characters)", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireDeviceId("sender", "secret key"));
        assertEquals("sender must be " + DeviceId.RULE + " (character 6 is not allowed)", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireDeviceId("sender", "_alpha"));
        assertEquals("sender must be " + DeviceId.RULE + " (character 0 must be a letter or digit)", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireRecipient("recipient", "a:b"));
        assertEquals("recipient must be a device id (" + DeviceId.RULE + ") or \"*\" (character 1 is not allowed)",
                e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireTokenId("id", null));
        assertEquals("id must be 1-64 characters of A-Z a-z 0-9 _ . : - (missing)", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireHex("nonce", "ABCD", 2, 2));
        assertEquals("nonce must be lower-case hex; character 0 is not", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> HeaderFields.requireHex("nonce", "abc", 2, 2));
        assertEquals("nonce must be lower-case hex of 2 bytes (got 3 characters)", e.getMessage());
    }

    private static void agree(String v) {
        assertEquals(DeviceId.PATTERN.matcher(v).matches(), accepts(() -> HeaderFields.requireDeviceId("f", v)), v);
        assertEquals(HeaderFields.TOKEN_ID.matcher(v).matches(), accepts(() -> HeaderFields.requireTokenId("f", v)), v);
    }

    private static boolean accepts(Runnable r) {
        try {
            r.run();
            return true;
        } catch (MalformedFrameException e) {
            return false;
        }
    }
}
