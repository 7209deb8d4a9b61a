package qstcs.crypto.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An injective byte encoding of a fixed sequence of fields, for AAD, MAC transcripts and HKDF
 * info. Strings and byte strings are a 4-byte big-endian length followed by the bytes; integers
 * are 8 bytes big-endian. Every element is self-delimiting, so for a fixed field sequence two
 * different inputs never give the same bytes (no "ab"+"c" = "a"+"bc" ambiguity).
 */
public final class CanonicalEncoding {

    private byte[] buf;
    private int size;

    public CanonicalEncoding() {
        this(128);
    }

    public CanonicalEncoding(int expectedBytes) {
        buf = new byte[Math.max(16, expectedBytes)];
    }

    public CanonicalEncoding string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public CanonicalEncoding bytes(byte[] value) {
        ensure(4 + value.length);
        putInt(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    public CanonicalEncoding int64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void putInt(int v) {
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
