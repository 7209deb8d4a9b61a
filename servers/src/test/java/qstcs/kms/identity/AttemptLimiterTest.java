package qstcs.kms.identity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {

    @Test
    void blocksAnAddressAfterItsLimitUntilTheWindowPasses() {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        AttemptLimiter l = new AttemptLimiter(clock, Duration.ofMinutes(15), 3, 100);
        for (int i = 0; i < 3; i++) {
            assertTrue(l.blockedFor("10.0.0.1").isEmpty());
            l.failed("10.0.0.1");
        }
        assertTrue(l.blockedFor("10.0.0.1").isPresent());
        assertTrue(l.blockedFor("10.0.0.2").isEmpty(), "another address is not affected");
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        assertTrue(l.blockedFor("10.0.0.1").isEmpty());
    }

    @Test
    void globalLimitStopsGuessingSpreadOverAddresses() {
        SettableClock clock = new SettableClock(Instant.EPOCH);
        AttemptLimiter l = new AttemptLimiter(clock, Duration.ofMinutes(15), 3, 10);
        for (int i = 0; i < 10; i++) {
            l.failed("10.0.0." + i);
        }
        assertTrue(l.blockedFor("10.0.1.1").isPresent());
    }
}
