package qstcs.kms;

import java.time.Instant;
import javax.security.auth.Destroyable;

import qstcs.crypto.keys.SecretBytes;

import qstcs.crypto.link.LinkColour;

/**
 * What a key response carries: a snapshot taken under the link lock, so a concurrent breach
 * cannot wipe the bytes between the decision and the reply. The key stays in its own
 * {@link SecretBytes} copy until the response writer puts it into the body
 * ({@link KmsJson#keyBytes}), and is destroyed once the response is sent ({@link #destroy}).
 * Not a record, so the key cannot leak through a generated {@code toString()}.
 */
final class IssuedKey implements Destroyable {
    private final String keyId;
    private final SecretBytes key;
    private final DevicePair pair;
    private final Instant createdAt;
    private final String createdAtText;
    private final int messageBudget;
    private final PairKey.State state;
    private final double qber;
    private final LinkColour status;
    private final boolean fresh;

    IssuedKey(PairKey key, double qber, LinkColour status, boolean fresh) {
        this.keyId = key.id().toString();
        this.key = key.keyCopy();
        this.pair = key.pair();
        this.createdAt = key.createdAt();
        this.createdAtText = key.createdAtText();
        this.messageBudget = key.messageBudget();
        this.state = key.state();
        this.qber = qber;
        this.status = status;
        this.fresh = fresh;
    }

    String keyId() {
        return keyId;
    }

    /** The key itself; only the response writer reads it. */
    SecretBytes key() {
        return key;
    }

    /** Constant-time: whether both responses carry the same key (tests of the pair rule). */
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

    DevicePair pair() {
        return pair;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** {@link #createdAt()} as ISO-8601 text (as in {@code Instant.toString()}). */
    String createdAtText() {
        return createdAtText;
    }

    int messageBudget() {
        return messageBudget;
    }

    PairKey.State state() {
        return state;
    }

    double qber() {
        return qber;
    }

    LinkColour status() {
        return status;
    }

    /** True when this request drew a new key from the pool (rather than joining the pair's key). */
    boolean fresh() {
        return fresh;
    }

    @Override
    public String toString() {
        return "IssuedKey[" + keyId + ", " + pair.label() + "]";
    }
}
