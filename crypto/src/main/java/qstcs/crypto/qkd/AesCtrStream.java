package qstcs.crypto.qkd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cryptographic random stream: the AES-256-CTR keystream under a key used for one round only
 * (so the counter may start at zero). AES is a pseudorandom permutation, so no amount of output
 * reveals the key or predicts other output; the JDK runs CTR mode on AES-NI (VAES where present)
 * at several GB/s, so a round's ~40 KiB of bases and bits cost microseconds.
 *
 * <p>Keystream bytes are read as little-endian words in order, each exactly once; the buffer is
 * wiped by {@link #destroy()}.
 */
final class AesCtrStream implements RandomGenerator {

    static final int KEY_BYTES = 32;
    private static final int CHUNK_BYTES = 4096;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Cipher cipher;
    private final java.util.function.Consumer<Cipher> recycler;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int position = CHUNK_BYTES;
    private byte[] bulk = new byte[0];
    private int bulkUsed;
    private boolean destroyed;

    /**
     * Keys {@code cipher} with {@code key} (32 bytes, copied; the caller wipes its array) and hands
     * the cipher to {@code recycler} on {@link #destroy()},
     * so a link re-keys one cipher per round instead of building one (a JCE lookup costs far more
     * than the key schedule).
     */
    AesCtrStream(Cipher cipher, byte[] key, java.util.function.Consumer<Cipher> recycler) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256 key must be " + KEY_BYTES + " bytes, was " + key.length);
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR rejected a 256-bit key", e);
        }
        this.cipher = cipher;
        this.recycler = recycler;
    }

    static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is not available", e);
        }
    }

    @Override
    public long nextLong() {
        if (position > CHUNK_BYTES - Long.BYTES) {
            refill();
        }
        long v = (long) LONGS.get(chunk, position);
        position += Long.BYTES;
        return v;
    }

    @Override
    public int nextInt() {
        if (position > CHUNK_BYTES - Integer.BYTES) {
            refill();
        }
        int v = (int) INTS.get(chunk, position);
        position += Integer.BYTES;
        return v;
    }

    /** Fills {@code out[from, from + count)} with the next keystream words, in one cipher call. */
    void fill(long[] out, int from, int count) {
        byte[] bytes = keystream(Math.multiplyExact(count, Long.BYTES));
        for (int i = 0; i < count; i++) {
            out[from + i] = word(bytes, i);
        }
        release();
    }

    /**
     * The next {@code length} keystream bytes, in one cipher call, in a buffer this stream owns:
     * read them (e.g. with {@link #word}) and call {@link #release()} before the next call. The
     * buffer is kept zeroed between uses, so the keystream is computed in place with no extra pass.
     */
    byte[] keystream(int length) {
        if (bulk.length < length) {
            bulk = new byte[length];
        }
        bulkUsed = length;
        encryptZeros(bulk, length);
        return bulk;
    }

    /** Wipes what {@link #keystream} handed out. */
    void release() {
        Arrays.fill(bulk, 0, bulkUsed, (byte) 0);
        bulkUsed = 0;
    }

    /** Word {@code i} (little-endian) of a keystream buffer. */
    static long word(byte[] keystream, int i) {
        return (long) LONGS.get(keystream, i * Long.BYTES);
    }

    /** Forgets the buffered keystream and gives the cipher back; the stream cannot be used again. */
    void destroy() {
        Arrays.fill(chunk, (byte) 0);
        release();
        position = CHUNK_BYTES;
        if (!destroyed) {
            destroyed = true;
            recycler.accept(cipher);
        }
    }

    private void refill() {
        Arrays.fill(chunk, (byte) 0);
        encryptZeros(chunk, CHUNK_BYTES);
        position = 0;
    }

    /** The keystream is the encryption of zeros, computed in place. */
    private void encryptZeros(byte[] buffer, int length) {
        if (destroyed) {
            throw new IllegalStateException("the round's keystream was destroyed");
        }
        try {
            int n = cipher.update(buffer, 0, length, buffer, 0);
            if (n != length) {
                throw new IllegalStateException("AES/CTR returned " + n + " of " + length + " bytes");
            }
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("AES/CTR output buffer too short", e);
        }
    }

    @Override
    public String toString() {
        return "AesCtrStream[AES-256-CTR]";
    }
}
