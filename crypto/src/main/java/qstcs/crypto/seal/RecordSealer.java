package qstcs.crypto.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;
import qstcs.crypto.keys.Hkdf;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;

/**
 * Seals records kept at rest on one device (its chat history) with AES-256-GCM: a fresh 12-byte
 * random nonce made here, a 128-bit tag, and associated data that binds each record to its place
 * (table and row), so records cannot be swapped between rows unnoticed. Layout:
 * {@code nonce (12) || ciphertext || tag (16)}.
 *
 * <p>{@link #lookup} gives a keyed HMAC-SHA256 of an identifier, for finding a record by its
 * message id without storing the id in the clear. The encryption and lookup keys are derived
 * from one 256-bit storage key with HKDF under separate labels.
 */
public final class RecordSealer implements Destroyable {
    private static final int NONCE_BYTES = FrameSealer.NONCE_BYTES;
    private static final int TAG_BYTES = FrameSealer.TAG_BYTES;

    private final SecretKeySpec encryption;
    private final SecretKeySpec lookup;
    private final SecureRandom random;
    private volatile boolean destroyed;

    public RecordSealer(SecretBytes storageKey) {
        this(storageKey, new SecureRandom());
    }

    public RecordSealer(SecretBytes storageKey, SecureRandom random) {
        if (storageKey.size() != KeyLength.BYTES) {
            throw new IllegalArgumentException("a storage key has " + KeyLength.BYTES + " bytes, not " + storageKey.size());
        }
        this.encryption = derive(storageKey, "qstcs/1 at-rest record", "AES");
        this.lookup = derive(storageKey, "qstcs/1 at-rest lookup", "HmacSHA256");
        this.random = random;
    }

    private static SecretKeySpec derive(SecretBytes key, String label, String algorithm) {
        SecretBytes k = Hkdf.derive(key, null, label.getBytes(StandardCharsets.UTF_8), KeyLength.BYTES);
        byte[] raw = k.toByteArray();
        try {
            return new SecretKeySpec(raw, algorithm);
        } finally {
            Arrays.fill(raw, (byte) 0);
            k.destroy();
        }
    }

    /** Encrypts {@code plaintext} bound to {@code place} (e.g. the table and the row's lookup value). */
    public byte[] seal(byte[] plaintext, byte[] place) {
        requireLive();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, encryption, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(place);
            byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM sealing failed", e);
        }
    }

    /** Decrypts a record made by {@link #seal} for the same {@code place}; fails on any change. */
    public byte[] open(byte[] sealed, byte[] place) throws GeneralSecurityException {
        requireLive();
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new GeneralSecurityException("record is too short to be sealed");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, encryption, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
        c.updateAAD(place);
        return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    /** A keyed, deterministic stand-in for {@code identifier}: equal inputs give equal values, nothing else leaks. */
    public byte[] lookup(String identifier) {
        requireLive();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(lookup);
            return mac.doFinal(identifier.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        }
    }

    private void requireLive() {
        if (destroyed) {
            throw new IllegalStateException("the storage key was destroyed");
        }
    }

    /** Stops this sealer (the JDK cannot wipe a {@code SecretKeySpec}; it is dropped). */
    @Override
    public void destroy() {
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "RecordSealer[" + (destroyed ? "destroyed" : "live") + "]";
    }
}
