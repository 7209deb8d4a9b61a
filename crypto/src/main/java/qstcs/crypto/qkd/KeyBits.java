package qstcs.crypto.qkd;

import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * Final key material from a round. Immutable except for {@link #destroy()}, which zeroes it;
 * bytes go in and out as copies; {@link #toString()} shows only the length. Bit {@code i} of
 * the key is bit {@code 7 − (i mod 8)} of byte {@code i / 8} in {@link #toBytes()} (big-endian
 * bit order); unused low bits of the last byte are zero.
 */
public final class KeyBits implements Destroyable {

    private static final KeyBits EMPTY = new KeyBits(new byte[0], 0);

    private final byte[] bytes;
    private final int length;
    private volatile boolean destroyed;

    private KeyBits(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** A key of zero bits (what an aborted round returns). */
    public static KeyBits empty() {
        return EMPTY;
    }

    /** Copies {@code bits} bits from {@code bytes} (big-endian bit order). */
    public static KeyBits fromBytes(byte[] bytes, int bits) {
        if (bits < 0 || (bits + 7) / 8 > bytes.length) {
            throw new IllegalArgumentException("bits must be in [0, " + 8L * bytes.length + "], was " + bits);
        }
        byte[] copy = Arrays.copyOf(bytes, (bits + 7) / 8);
        if ((bits & 7) != 0) {
            copy[copy.length - 1] &= (byte) (0xFF << (8 - (bits & 7)));
        }
        return new KeyBits(copy, bits);
    }

    static KeyBits of(BitString bits) {
        int n = bits.length();
        byte[] out = new byte[(n + 7) / 8];
        long[] w = bits.words();
        for (int i = 0; i < out.length; i++) {
            // Reverse the bit order inside each byte: BitString is LSB-first, bytes are MSB-first.
            int b = (int) (w[i >>> 3] >>> ((i & 7) << 3)) & 0xFF;
            out[i] = (byte) (Integer.reverse(b) >>> 24);
        }
        return new KeyBits(out, n);
    }

    /** Length in bits. */
    public int length() {
        return length;
    }

    /** A copy of the key bytes. */
    public byte[] toBytes() {
        checkAlive();
        return bytes.clone();
    }

    /** Bit {@code i} (0 or 1). */
    public int bit(int i) {
        checkAlive();
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("bit " + i + " of a " + length + "-bit key");
        }
        return (bytes[i >>> 3] >>> (7 - (i & 7))) & 1;
    }

    /** A copy of bits {@code [fromBit, fromBit + bits)}. */
    public KeyBits slice(int fromBit, int bits) {
        checkAlive();
        if (fromBit < 0 || bits < 0 || (long) fromBit + bits > length) {
            throw new IndexOutOfBoundsException("slice [" + fromBit + ", " + ((long) fromBit + bits)
                    + ") of a " + length + "-bit key");
        }
        byte[] out = new byte[(bits + 7) / 8];
        for (int i = 0; i < bits; i++) {
            int src = fromBit + i;
            int b = (bytes[src >>> 3] >>> (7 - (src & 7))) & 1;
            out[i >>> 3] |= (byte) (b << (7 - (i & 7)));
        }
        return new KeyBits(out, bits);
    }

    /** Constant-time comparison of length and contents. */
    public boolean contentEquals(KeyBits other) {
        checkAlive();
        other.checkAlive();
        return length == other.length && MessageDigest.isEqual(bytes, other.bytes);
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
        return "KeyBits[" + length + " bits]";
    }

    private void checkAlive() {
        if (destroyed) {
            throw new IllegalStateException("key material was destroyed");
        }
    }
}
