package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void noRateUntilTwoRoundsEnded() {
        KeyRate rate = new KeyRate();
        assertEquals(0, rate.bitsPerSecond());
        rate.roundEnded(SECOND, 15_000);
        assertEquals(0, rate.bitsPerSecond());
        rate.roundEnded(SECOND + SECOND / 2, 15_000);
        assertEquals(30_000, rate.bitsPerSecond(), 1e-6);
    }

    @Test
    void aRoundEndingRightAfterAnotherDoesNotSpikeTheRate() {
        KeyRate rate = new KeyRate();
        long t = 0;
        for (int i = 0; i < 20; i++) {
            rate.roundEnded(t, 15_000); // 30 kbit/s: 15,000 bits every 0.5 s
            t += SECOND / 2;
        }
        rate.roundEnded(t - SECOND / 2 + 1_000_000, 15_000); // a forced round 1 ms after the last
        // One round's bits over 1 ms would read 15 Mbit/s; the window average stays near 30 kbit/s.
        assertEquals(31_500, rate.bitsPerSecond(), 1_000);
    }

    @Test
    void theWindowForgetsOldRounds() {
        KeyRate rate = new KeyRate();
        long t = 0;
        for (int i = 0; i < 40; i++) {
            rate.roundEnded(t, i < 20 ? 0 : 15_000); // nothing kept for 10 s, then 30 kbit/s
            t += SECOND / 2;
        }
        assertEquals(30_000, rate.bitsPerSecond(), 1e-6);
    }

    @Test
    void clearStartsAgain() {
        KeyRate rate = new KeyRate();
        rate.roundEnded(0, 15_000);
        rate.roundEnded(SECOND, 15_000);
        rate.clear();
        assertEquals(0, rate.bitsPerSecond());
        rate.roundEnded(5 * SECOND, 15_000);
        assertEquals(0, rate.bitsPerSecond());
    }
}
