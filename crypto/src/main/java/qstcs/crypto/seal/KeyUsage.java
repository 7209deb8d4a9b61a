package qstcs.crypto.seal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import qstcs.crypto.wire.HeaderFields;

/**
 * The sending side of one key_id: hands out increasing {@code seq} numbers (from 1) and refuses
 * once the {@link KeyRotationPolicy} says the key is used up, so a sender can never exceed the
 * budget by mistake. The clock is injectable so tests can age a key without waiting.
 */
public final class KeyUsage {

    private final String keyId;
    private final KeyRotationPolicy policy;
    private final Instant createdAt;
    private final InstantSource clock;
    private long sealed;

    /** A key first used now according to {@code clock}. */
    public KeyUsage(String keyId, KeyRotationPolicy policy, InstantSource clock) {
        this(keyId, policy, clock.instant(), clock);
    }

    public KeyUsage(String keyId, KeyRotationPolicy policy, Instant createdAt, InstantSource clock) {
        this.keyId = HeaderFields.requireTokenId("key_id", keyId);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String keyId() {
        return keyId;
    }

    /** True once this key may not seal another frame. */
    public synchronized boolean mustRotate() {
        return policy.mustRotate(sealed, createdAt, clock.instant());
    }

    /**
     * The seq for the next frame under this key.
     *
     * @throws IllegalStateException the key is used up; rotate to a new key_id first
     */
    public synchronized long nextSeq() {
        if (mustRotate()) {
            throw new IllegalStateException("key_id " + keyId + " is used up (" + sealed + " frames, created "
                    + createdAt + "); rotate to a new key_id");
        }
        return ++sealed;
    }

    /** Frames sealed so far. */
    public synchronized long framesSealed() {
        return sealed;
    }

    @Override
    public synchronized String toString() {
        return "KeyUsage[key_id=" + keyId + ", sealed=" + sealed + ", createdAt=" + createdAt + "]";
    }
}
