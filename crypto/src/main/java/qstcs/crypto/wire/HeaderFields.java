package qstcs.crypto.wire;

import java.util.regex.Pattern;

/**
 * The rules for header fields of every frame, checked when a frame value is created. Device ids
 * follow {@link DeviceId}, the one rule every component applies.
 */
public final class HeaderFields {

    /** Frame ids and key ids: UUIDs in practice; any short token of these characters is accepted. */
    public static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** The recipient that means "every other device" (group frames). */
    public static final String EVERYONE = "*";

    private HeaderFields() {
    }

    public static String requireDeviceId(String field, String value) {
        if (!DeviceId.isValid(value)) {
            throw new MalformedFrameException(field + " must be " + DeviceId.RULE + " ("
                    + DeviceId.problem(value) + ")");
        }
        return value;
    }

    /** A device id or {@code "*"}. */
    public static String requireRecipient(String field, String value) {
        if (EVERYONE.equals(value)) {
            return value;
        }
        if (!DeviceId.isValid(value)) {
            throw new MalformedFrameException(field + " must be a device id (" + DeviceId.RULE + ") or \"*\" ("
                    + DeviceId.problem(value) + ")");
        }
        return value;
    }

    public static String requireTokenId(String field, String value) {
        if (!isTokenId(value)) {
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

    /** {@link #TOKEN_ID} without a regex: it runs on every frame sealed or opened. */
    private static boolean isTokenId(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Says what is wrong with a rejected token id without repeating it (it may be anything). */
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
        return "valid";
    }
}
