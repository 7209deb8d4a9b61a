package qstcs.crypto.keys;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * Secret key bytes that never leak by accident: copied in and out, compared in constant time,
 * never printed, and wiped by {@link #destroy()}.
 *
 * <p>{@link Object#equals} stays identity on purpose: a content-based {@code equals} would need
 * a content-based {@code hashCode}, and hash-based collections would then compare secrets in
 * variable time. Use {@link #equalsSecretBytes} instead.
 */
public final class SecretBytes implements Destroyable {

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private volatile boolean destroyed;

    private SecretBytes(byte[] ownedCopy) {
        this.bytes = ownedCopy;
    }

    /** Copies {@code value}; the caller may (and should) wipe its own array afterwards. */
    public static SecretBytes copyOf(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        return new SecretBytes(value.clone());
    }

    /** Takes ownership of {@code owned} without copying (for arrays this package just made). */
    static SecretBytes adopt(byte[] owned) {
        if (owned.length == 0) {
            throw new IllegalArgumentException("secret must not be empty");
        }
        return new SecretBytes(owned);
    }

    /** Fresh random secret of {@code length} bytes from {@code random}. */
    public static SecretBytes random(int length, SecureRandom random) {
        if (length <= 0) {
            throw new IllegalArgumentException("secret length must be positive, got " + length);
        }
        byte[] b = new byte[length];
        random.nextBytes(b);
        return new SecretBytes(b);
    }

    /**
     * Parses hex (as the KMS sends {@code key_hex}). The error message never repeats the input,
     * because the input is the secret.
     */
    public static SecretBytes fromHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            throw new IllegalArgumentException("secret hex must have an even, non-zero number of digits (got "
                    + hex.length() + " characters)");
        }
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                Arrays.fill(b, (byte) 0);
                throw new IllegalArgumentException("secret hex contains a non-hex character at position "
                        + (hi < 0 ? 2 * i : 2 * i + 1));
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return new SecretBytes(b);
    }

    /** A copy of the secret; wipe it ({@code Arrays.fill(b, (byte) 0)}) when done. */
    public byte[] toByteArray() {
        checkAlive();
        return bytes.clone();
    }

    /** An independent copy (destroying one leaves the other intact). */
    public SecretBytes copy() {
        checkAlive();
        return new SecretBytes(bytes.clone());
    }

    /**
     * Writes the secret as lower-case hex ASCII into {@code out} at {@code offset}
     * ({@code 2 * size()} bytes): a response writer puts the key straight into the body it sends,
     * without a {@code String} copy that could not be wiped.
     *
     * @return the offset after the last byte written
     */
    public int writeHex(byte[] out, int offset) {
        checkAlive();
        if (offset < 0 || offset > out.length - 2 * bytes.length) {
            throw new IndexOutOfBoundsException("no room for " + 2 * bytes.length + " hex digits at " + offset);
        }
        int p = offset;
        for (byte b : bytes) {
            out[p++] = HEX_DIGITS[(b >>> 4) & 0xF];
            out[p++] = HEX_DIGITS[b & 0xF];
        }
        return p;
    }

    /** Lower-case hex of the secret as a {@code String}, which cannot be wiped: prefer {@link #writeHex}. */
    public String toHex() {
        checkAlive();
        return HexFormat.of().formatHex(bytes);
    }

    /** Number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** Constant-time comparison of contents (length is not secret). */
    public boolean equalsSecretBytes(SecretBytes other) {
        checkAlive();
        other.checkAlive();
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return destroyed ? "SecretBytes[destroyed]" : "SecretBytes[" + bytes.length + " bytes]";
    }

    private void checkAlive() {
        if (destroyed) {
            throw new IllegalStateException("secret was destroyed");
        }
    }
}
