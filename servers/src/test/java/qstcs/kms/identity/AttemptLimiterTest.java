package qstcs.kms.identity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {

    @Test
    void blocksAnAddressAfterItsLimitUntilTheWindowPasses() {
        AtomicLong nanos = new AtomicLong(-5_000_000_000L);
        AttemptLimiter l = new AttemptLimiter(nanos::get, Duration.ofMinutes(15), 3, 100);
        for (int i = 0; i < 3; i++) {
            assertTrue(l.blockedFor("10.0.0.1").isEmpty());
            l.failed("10.0.0.1");
        }
        assertTrue(l.blockedFor("10.0.0.1").isPresent());
        assertTrue(l.blockedFor("10.0.0.2").isEmpty(), "another address is not affected");
        nanos.addAndGet(Duration.ofMinutes(15).plusSeconds(1).toNanos());
        assertTrue(l.blockedFor("10.0.0.1").isEmpty());
    }

    @Test
    void globalLimitStopsGuessingSpreadOverAddresses() {
        AttemptLimiter l = new AttemptLimiter(new AtomicLong()::get, Duration.ofMinutes(15), 3, 10);
        for (int i = 0; i < 10; i++) {
            l.failed("10.0.0." + i);
        }
        assertTrue(l.blockedFor("10.0.1.1").isPresent());
    }

    /** The window is monotonic time: the wall clock set forward or back does not lift or stretch a lockout. */
    @Test
    void wallClockJumpsNeitherLiftNorStretchALockout() {
        SettableClock clock = new SettableClock(java.time.Instant.parse("2026-12-04T12:00:00Z"));
        AttemptLimiter l = new AttemptLimiter(clock::nanos, Duration.ofMinutes(15), 3, 100);
        for (int i = 0; i < 3; i++) {
            l.failed("10.0.0.1");
        }
        clock.jump(Duration.ofHours(6));
        assertTrue(l.blockedFor("10.0.0.1").isPresent(), "setting the clock forward does not lift the lockout");
        clock.jump(Duration.ofHours(-12));
        Duration left = l.blockedFor("10.0.0.1").orElseThrow();
        assertTrue(left.compareTo(Duration.ofMinutes(16)) <= 0, "setting the clock back does not stretch it: " + left);
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertTrue(l.blockedFor("10.0.0.1").isEmpty(), "it ends when its 15 minutes have passed");
    }
}
