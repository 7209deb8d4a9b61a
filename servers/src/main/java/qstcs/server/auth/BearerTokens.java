package qstcs.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The shape of every QSTCS secret token (256 random bits as 64 lower-case hex digits — safe in
 * a shell variable, a header and a JSON string) and of enrollment codes, plus the SHA-256 hash
 * under which the KMS stores them. Tokens are compared only as hashes, in constant time.
 */
public final class BearerTokens {

    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");
    /** Crockford base32 without I, L, O, U: unambiguous when read aloud or typed from a screen. */
    private static final char[] CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** 16 symbols of 5 bits: 80 bits, far beyond guessing within a 15-minute, rate-limited window. */
    public static final int CODE_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BearerTokens() {
    }

    /** A new 256-bit token. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A new one-time enrollment code. */
    public static String newEnrollmentCode() {
        char[] code = new char[CODE_LENGTH];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)];
        }
        return new String(code);
    }

    public static boolean isWellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** SHA-256 of the token's text: what is stored and compared instead of the token. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    /** Enrollment codes are typed by people: case and separators do not matter. */
    public static String normalizeCode(String code) {
        return code.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    }
}
