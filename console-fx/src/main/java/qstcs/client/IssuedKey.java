package qstcs.client;

import javax.security.auth.Destroyable;
import qstcs.crypto.keys.SecretBytes;

/**
 * A pair key as the KMS issued it: its public {@code key_id} and the 256 secret bits, held only in
 * memory as {@link SecretBytes}. {@link #destroy()} wipes them (the session does so on RED);
 * {@link #toString()} shows the id, never the key.
 */
public final class IssuedKey implements Destroyable {
    public static final int KEY_BYTES = 32;

    private final String keyId;
    private final boolean pqc;
    private final SecretBytes key;

    IssuedKey(String keyId, SecretBytes key, boolean pqc) {
        if (key.size() != KEY_BYTES) {
            throw new IllegalArgumentException("a pair key has " + KEY_BYTES + " bytes, got " + key.size());
        }
        this.keyId = keyId;
        this.key = key;
        this.pqc = pqc;
    }

    static IssuedKey fromHex(String keyId, String keyHex, boolean pqc) {
        return new IssuedKey(keyId, SecretBytes.fromHex(keyHex), pqc);
    }

    public String keyId() {
        return keyId;
    }

    /** The first 8 characters of the id, as the status bar shows it (the id is public, not the key). */
    public String shortId() {
        return keyId.length() <= 8 ? keyId : keyId.substring(0, 8);
    }

    /** Whether the KMS issued it for a session that adds the ML-KEM hybrid handshake. */
    public boolean pqc() {
        return pqc;
    }

    /** The key bits, for the sealer and the hybrid handshake (both copy what they keep). */
    SecretBytes secret() {
        return key;
    }

    /** Constant-time comparison of the key bits (tests check both ends hold the same key). */
    boolean sameKeyAs(IssuedKey other) {
        return key.equalsSecretBytes(other.key);
    }

    @Override
    public void destroy() {
        key.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return key.isDestroyed();
    }

    @Override
    public String toString() {
        return "IssuedKey[" + keyId + (key.isDestroyed() ? ", wiped" : "") + "]";
    }
}
