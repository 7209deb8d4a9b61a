package qstcs.crypto.wire;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A device's identity on the wire ({@code Soldier_Alpha}): 1 to 64 characters of {@code A-Z a-z
 * 0-9 _ . -}, the first a letter or digit. Every component checks ids with this one rule, so an id
 * the KMS enrolls is an id every key route, relay frame and client accepts, and an id it refuses
 * is refused at enrollment. The first character excludes {@code _}, which keeps the group name
 * {@code _broadcast_} and the recipient {@code *} out of the device namespace; {@code '>'} and
 * spaces are excluded, which keeps the per-direction HKDF info ({@code sender + ">" + recipient})
 * unambiguous.
 */
public record DeviceId(String value) {

    /** Longest id. */
    public static final int MAX_LENGTH = 64;
    /** The rule as a regular expression, for callers that validate with patterns. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** The rule in words, for error messages. */
    public static final String RULE = "1-64 characters of A-Z a-z 0-9 _ . - starting with a letter or digit";

    public DeviceId {
        Objects.requireNonNull(value, "device id");
        if (!isValid(value)) {
            throw new IllegalArgumentException("device id must be " + RULE + " (" + problem(value) + ")");
        }
    }

    /** The id {@code value}, or {@link IllegalArgumentException} naming what breaks the rule. */
    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    /**
     * Whether {@code value} follows the rule ({@link #PATTERN}), without a regex: relays and
     * sealers check ids on every frame, where a matcher costs more than the rest of the check.
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !isAlnum(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAlnum(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * What breaks the rule, without repeating the text: a rejected value may be anything a
     * confused caller put there, a key included, so this gives lengths and positions only.
     * Returns {@code "valid"} for an id that follows the rule.
     */
    public static String problem(String value) {
        if (value == null) {
            return "missing";
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return "got " + value.length() + " characters";
        }
        if (!isAlnum(value.charAt(0))) {
            return "character 0 must be a letter or digit";
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAlnum(c) && c != '_' && c != '.' && c != '-') {
                return "character " + i + " is not allowed";
            }
        }
        return "valid";
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    @Override
    public String toString() {
        return value;
    }
}
