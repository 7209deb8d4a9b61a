package qstcs.crypto.seal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a sender must stop using a key_id: after {@code messageBudget} frames or once the key is
 * {@code maxAge} old, whichever comes first. The sender then asks the KMS for a new key
 * ({@code rotate=true}) and continues under the new key_id with seq starting again.
 *
 * <p>The budget is capped at 2^32 because frames use random 96-bit GCM nonces (NIST SP 800-38D
 * §8.3); the default is far lower so a key — and any damage from its compromise — stays small.
 */
public record KeyRotationPolicy(long messageBudget, Duration maxAge) {

    /** Random-nonce AES-GCM limit per key. */
    public static final long MAX_MESSAGE_BUDGET = 1L << 32;

    public KeyRotationPolicy {
        if (messageBudget < 1 || messageBudget > MAX_MESSAGE_BUDGET) {
            throw new IllegalArgumentException("messageBudget must be 1.." + MAX_MESSAGE_BUDGET + ", got " + messageBudget);
        }
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
        }
    }

    /** 10,000 frames or one hour per key_id. */
    public static KeyRotationPolicy defaults() {
        return new KeyRotationPolicy(10_000, Duration.ofHours(1));
    }

    /** True when a key that has sealed {@code framesSealed} frames and was created at {@code createdAt} is used up at {@code now}. */
    public boolean mustRotate(long framesSealed, Instant createdAt, Instant now) {
        return framesSealed >= messageBudget || !now.isBefore(createdAt.plus(maxAge));
    }
}
