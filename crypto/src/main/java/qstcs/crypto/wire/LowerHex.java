package qstcs.crypto.wire;

import java.nio.charset.StandardCharsets;

/**
 * The one hex spelling frames use: lower-case, two digits per byte. Decoding is table-driven
 * because every opened frame decodes its ciphertext here; {@code HexFormat.parseHex} costs about
 * a third of an AES-GCM open of a chat message.
 */
public final class LowerHex {

    private static final byte[] DIGIT_VALUE = new byte[256];

    static {
        java.util.Arrays.fill(DIGIT_VALUE, (byte) -1);
        for (char c = '0'; c <= '9'; c++) {
            DIGIT_VALUE[c] = (byte) (c - '0');
        }
        for (char c = 'a'; c <= 'f'; c++) {
            DIGIT_VALUE[c] = (byte) (c - 'a' + 10);
        }
    }

    private LowerHex() {
    }

    public static String encode(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /**
     * Decodes lower-case hex.
     *
     * @throws MalformedFrameException odd length or a character that is not a lower-case hex digit
     *                                 (the message gives the position, never the text)
     */
    public static byte[] decode(String hex) {
        byte[] chars = hex.getBytes(StandardCharsets.ISO_8859_1);
        if (chars.length % 2 != 0 || chars.length != hex.length()) {
            throw new MalformedFrameException("hex must have an even number of lower-case digits");
        }
        byte[] out = new byte[chars.length / 2];
        int bad = 0;
        for (int i = 0; i < out.length; i++) {
            int hi = DIGIT_VALUE[chars[2 * i] & 0xff];
            int lo = DIGIT_VALUE[chars[2 * i + 1] & 0xff];
            bad |= hi | lo;  // negative once any digit was invalid
            out[i] = (byte) (hi << 4 | lo);
        }
        if (bad < 0) {
            int i = 0;
            while (DIGIT_VALUE[chars[i] & 0xff] >= 0 && hex.charAt(i) < 0x100) {
                i++;
            }
            throw new MalformedFrameException("hex character " + i + " is not a lower-case hex digit");
        }
        return out;
    }

    /** True when {@code hex} is only lower-case hex digits (any length). */
    static boolean isLowerHex(String hex) {
        byte[] chars = hex.getBytes(StandardCharsets.ISO_8859_1);
        int bad = 0;
        for (byte c : chars) {
            bad |= DIGIT_VALUE[c & 0xff];
        }
        return bad >= 0;
    }
}
