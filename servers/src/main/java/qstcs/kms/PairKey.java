package qstcs.kms;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import qstcs.crypto.keys.SecretBytes;

/**
 * One issued session key: its id, the pair it belongs to, when it was made, the message budget
 * clients should respect, and its lifecycle state. Mutable only under {@link LinkState}'s lock.
 */
final class PairKey {
    enum State { ACTIVE, ROTATED, REVOKED }

    private final UUID id;
    private final DevicePair pair;
    private final Instant createdAt;
    /** Monotonic ({@link System#nanoTime()}) creation time: the key's age survives a wall-clock jump. */
    private final long createdAtNanos;
    /** ISO-8601 text of createdAt, made once: every key reply carries it. */
    private final String createdAtText;
    private final int messageBudget;
    private final SecretBytes key;
    private State state = State.ACTIVE;

    PairKey(UUID id, DevicePair pair, Instant createdAt, long createdAtNanos, int messageBudget, SecretBytes key) {
        this.id = id;
        this.pair = pair;
        this.createdAt = createdAt;
        this.createdAtNanos = createdAtNanos;
        this.createdAtText = createdAt.toString();
        this.messageBudget = messageBudget;
        this.key = key;
    }

    UUID id() {
        return id;
    }

    DevicePair pair() {
        return pair;
    }

    Instant createdAt() {
        return createdAt;
    }

    String createdAtText() {
        return createdAtText;
    }

    int messageBudget() {
        return messageBudget;
    }

    State state() {
        return state;
    }

    /**
     * An active key is handed to the next member who asks, unless it is older than {@code maxAge}
     * at monotonic time {@code nowNanos}.
     */
    boolean servable(long nowNanos, Duration maxAge) {
        return state == State.ACTIVE && ageNanos(nowNanos) < maxAge.toNanos();
    }

    /** Nanoseconds since the key was made, at monotonic time {@code nowNanos}. */
    long ageNanos(long nowNanos) {
        return nowNanos - createdAtNanos;
    }

    /** Superseded by a newer key: still readable so frames in flight can be decrypted. */
    void rotate() {
        if (state == State.ACTIVE) {
            state = State.ROTATED;
        }
    }

    /** Revoked keys are wiped at once; only their metadata stays until reset. */
    void revoke() {
        state = State.REVOKED;
        key.destroy();
    }

    /** A copy of the key for one response; the caller destroys it once the response is written. */
    SecretBytes keyCopy() {
        return key.copy();
    }

    @Override
    public String toString() {
        return "PairKey[" + id + ", " + pair.label() + ", " + state + "]";
    }
}
