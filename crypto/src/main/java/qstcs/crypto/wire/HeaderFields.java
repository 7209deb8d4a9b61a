package qstcs.crypto.wire;

import java.util.regex.Pattern;

/**
 * The rules for header fields of every frame, checked when a frame value is created.
 * Device ids exclude {@code '>'} and spaces, which keeps the per-direction HKDF info
 * ({@code "qstcs/1 " + sender + ">" + recipient}) unambiguous; the character set matches the
 * client SDK's device ids.
 */
public final class HeaderFields {

    /** Device ids: the same rule as the client SDK and the KMS enrollment. */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** Frame ids and key ids: UUIDs in practice; any short token of these characters is accepted. */
    public static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** The recipient that means "every other device" (group frames). */
    public static final String EVERYONE = "*";

    private HeaderFields() {
    }

    public static String requireDeviceId(String field, String value) {
        if (!matches(value, false)) {
            throw new MalformedFrameException(field + " must be 1-64 characters of A-Z a-z 0-9 _ . - ("
                    + describe(value) + ")");
        }
        return value;
    }

    /** A device id or {@code "*"}. */
    public static String requireRecipient(String field, String value) {
        if (EVERYONE.equals(value)) {
            return value;
        }
        if (!matches(value, false)) {
            throw new MalformedFrameException(field + " must be a device id (1-64 characters of A-Z a-z 0-9 _ . -) or \"*\" ("
                    + describe(value) + ")");
        }
        return value;
    }

    public static String requireTokenId(String field, String value) {
        if (!matches(value, true)) {
            throw new MalformedFrameException(field + " must be 1-64 characters of A-Z a-z 0-9 _ . : - ("
                    + describe(value) + ")");
        }
        return value;
    }

    public static long requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new MalformedFrameException(field + " must be >= 0 (got " + value + ")");
        }
        return value;
    }

    /**
     * Lower-case hex of exactly {@code minBytes..maxBytes} bytes. One spelling per byte string
     * keeps frames canonical (no two JSON texts carry the same nonce).
     */
    public static String requireHex(String field, String value, int minBytes, int maxBytes) {
        if (value == null) {
            throw new MalformedFrameException(field + " is missing");
        }
        int len = value.length();
        if (len % 2 != 0 || len / 2 < minBytes || len / 2 > maxBytes) {
            String size = minBytes == maxBytes ? String.valueOf(minBytes) : minBytes + ".." + maxBytes;
            throw new MalformedFrameException(field + " must be lower-case hex of " + size + " bytes (got "
                    + len + " characters)");
        }
        if (!LowerHex.isLowerHex(value)) {
            int i = 0;
            while (isLowerHexDigit(value.charAt(i))) {
                i++;
            }
            throw new MalformedFrameException(field + " must be lower-case hex; character " + i + " is not");
        }
        return value;
    }

    private static boolean isLowerHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }

    /**
     * {@link #DEVICE_ID} (or {@link #TOKEN_ID} when {@code colon}) without a regex: these checks
     * run on every frame sealed or opened, and a matcher costs more than sealing a short message.
     */
    private static boolean matches(String value, boolean colon) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || colon && c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Says what is wrong with a rejected string without repeating it: a header value may be
     * anything a confused caller put there, a key included, so messages give lengths and the
     * position of the first bad character, never the text.
     */
    static String describe(String value) {
        if (value == null) {
            return "missing";
        }
        if (value.isEmpty() || value.length() > 64) {
            return "got " + value.length() + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || c == ':';
            if (!ok) {
                return "character " + i + " is not allowed";
            }
        }
        return "':' is not allowed here";
    }
}
