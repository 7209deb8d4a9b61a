package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class KeyRotationPolicyTest {

    /** A clock the test moves by hand. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T10:00:00Z"));
    private final InstantSource clock = now::get;

    @Test
    void theBudgetEndsAKey() {
        KeyUsage usage = new KeyUsage("key-1", new KeyRotationPolicy(3, Duration.ofHours(1)), clock);
        assertEquals(1, usage.nextSeq());
        assertEquals(2, usage.nextSeq());
        assertFalse(usage.mustRotate());
        assertEquals(3, usage.nextSeq());
        assertTrue(usage.mustRotate());
        IllegalStateException e = assertThrows(IllegalStateException.class, usage::nextSeq);
        assertTrue(e.getMessage().contains("key_id key-1 is used up"), e.getMessage());
        assertEquals(3, usage.framesSealed(), "a refused seq is not counted");
    }

    @Test
    void ageEndsAKeyEvenWithBudgetLeft() {
        KeyUsage usage = new KeyUsage("key-1", new KeyRotationPolicy(1000, Duration.ofMinutes(10)), clock);
        usage.nextSeq();
        now.set(now.get().plus(Duration.ofMinutes(10)).minusMillis(1));
        assertFalse(usage.mustRotate());
        usage.nextSeq();
        now.set(now.get().plusMillis(1));
        assertTrue(usage.mustRotate());
        assertThrows(IllegalStateException.class, usage::nextSeq);
    }

    @Test
    void ageCountsFromTheKeysCreationTime() {
        KeyRotationPolicy policy = new KeyRotationPolicy(1000, Duration.ofMinutes(10));
        KeyUsage usage = new KeyUsage("key-1", policy, now.get().minus(Duration.ofMinutes(11)), clock);
        assertTrue(usage.mustRotate());
        assertTrue(policy.mustRotate(0, now.get().minus(Duration.ofMinutes(10)), now.get()));
        assertFalse(policy.mustRotate(999, now.get(), now.get()));
        assertTrue(policy.mustRotate(1000, now.get(), now.get()));
    }

    @Test
    void defaultsAndValidation() {
        KeyRotationPolicy d = KeyRotationPolicy.defaults();
        assertEquals(10_000, d.messageBudget());
        assertEquals(Duration.ofHours(1), d.maxAge());
        assertThrows(IllegalArgumentException.class, () -> new KeyRotationPolicy(0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new KeyRotationPolicy((1L << 32) + 1, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new KeyRotationPolicy(10, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new KeyUsage("bad id", d, clock));
    }
}
