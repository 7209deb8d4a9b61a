package qstcs.client;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.security.auth.Destroyable;

/**
 * A pair key as the KMS issued it: its public {@code key_id} and the 256 secret bits, held only in
 * memory. {@link #destroy()} overwrites the bits (the session does so on RED); {@link #toString()}
 * shows the id, never the key.
 */
public final class IssuedKey implements Destroyable {
    public static final int KEY_BYTES = 32;

    private final String keyId;
    private final boolean pqc;
    private final byte[] key;
    private volatile boolean destroyed;

    IssuedKey(String keyId, byte[] key, boolean pqc) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a pair key has " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.keyId = keyId;
        this.key = key.clone();
        this.pqc = pqc;
    }

    static IssuedKey fromHex(String keyId, String keyHex, boolean pqc) {
        byte[] raw = HexFormat.of().parseHex(keyHex);
        try {
            return new IssuedKey(keyId, raw, pqc);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
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

    /** A copy of the key bits for the one caller that derives keys from them; wipe it after use. */
    byte[] copyOfKey() {
        if (destroyed) {
            throw new IllegalStateException("key " + keyId + " was wiped");
        }
        return key.clone();
    }

    /** Constant-time comparison of the key bits (tests check both ends hold the same key). */
    boolean sameKeyAs(IssuedKey other) {
        return MessageDigest.isEqual(key, other.key);
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "IssuedKey[" + keyId + (destroyed ? ", wiped" : "") + "]";
    }
}
