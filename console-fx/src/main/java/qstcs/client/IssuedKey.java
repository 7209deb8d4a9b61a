package qstcs.client;

import javax.security.auth.Destroyable;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;

/**
 * A pair key as the KMS issued it: its public {@code key_id} and the 256 secret bits, held only in
 * memory as {@link SecretBytes}. {@link #destroy()} wipes them (the session does so on RED);
 * {@link #toString()} shows the id, never the key.
 */
public final class IssuedKey implements Destroyable {
    private final String keyId;
    private final SecretBytes key;

    /** Takes ownership of {@code key} (a key source hands it over; {@link #destroy()} wipes it). */
    public IssuedKey(String keyId, SecretBytes key) {
        if (key.size() != KeyLength.BYTES) {
            throw new IllegalArgumentException("a pair key has " + KeyLength.BYTES + " bytes, got " + key.size());
        }
        this.keyId = keyId;
        this.key = key;
    }

    static IssuedKey fromHex(String keyId, String keyHex) {
        return new IssuedKey(keyId, SecretBytes.fromHex(keyHex));
    }

    public String keyId() {
        return keyId;
    }

    /** The key bits, for the sealer and the hybrid handshake (both copy what they keep). */
    SecretBytes secret() {
        return key;
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
