package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The event loop's pause rule, on a fake clock: rounds are fed with their time and what they handled. */
class WakeModerationTest {

    private static final long MAX = 300_000; // 300 µs
    private static final long MICRO = 1_000;

    /** Feeds {@code rounds} rounds of one socket each, {@code gap} apart; returns the last pause. */
    private static long steady(WakeModeration m, long[] clock, int rounds, long gap) {
        long pause = 0;
        for (int i = 0; i < rounds; i++) {
            clock[0] += gap;
            pause = m.pauseAfter(1, false, clock[0]);
        }
        return pause;
    }

    @Test
    void steadyTrafficTenThousandFramesASecondGetsTheFullPause() {
        WakeModeration m = new WakeModeration(MAX);
        long[] clock = {0};
        assertEquals(MAX, steady(m, clock, 50, 100 * MICRO), "a frame every 100 µs: three per 300 µs pause");
        assertEquals(10_000, m.rate(), 10);
    }

    @Test
    void sparseTrafficIsNeverHeldBack() {
        WakeModeration m = new WakeModeration(MAX);
        long[] clock = {0};
        for (int i = 0; i < 50; i++) {
            clock[0] += 10_000 * MICRO;
            assertEquals(0, m.pauseAfter(1, false, clock[0]), "a frame every 10 ms: a pause would gather nothing");
        }
        // One frame every 200 µs: 1.5 per pause, under the two that make a pause worth its wake-up.
        assertEquals(0, steady(m, clock, 100, 200 * MICRO));
    }

    @Test
    void aRoundThatHandledNothingOrHasABacklogIsNotFollowedByAPause() {
        WakeModeration m = new WakeModeration(MAX);
        long[] clock = {0};
        steady(m, clock, 50, 50 * MICRO);
        clock[0] += 50 * MICRO;
        assertEquals(0, m.pauseAfter(0, false, clock[0]), "nothing handled: wait for the next event");
        clock[0] += 50 * MICRO;
        assertEquals(0, m.pauseAfter(1, true, clock[0]), "queued work of its own: no pause");
        clock[0] += 50 * MICRO;
        assertEquals(0, m.pauseAfter(WakeModeration.BACKLOG, false, clock[0]),
                "many sockets in one round: already batching");
        clock[0] += 50 * MICRO;
        assertEquals(MAX, m.pauseAfter(1, false, clock[0]));
    }

    @Test
    void theRateIsEstimatedThroughItsOwnPauses() {
        // While pausing, each round gathers the frames of one pause: the estimate must stay put,
        // or the rule would switch itself off and on in turns.
        WakeModeration m = new WakeModeration(MAX);
        long[] clock = {0};
        steady(m, clock, 50, 100 * MICRO);
        for (int i = 0; i < 100; i++) {
            clock[0] += MAX + 20 * MICRO; // the pause, the timer's slack, the round's own work
            assertEquals(MAX, m.pauseAfter(3, false, clock[0]), "round " + i);
        }
        assertEquals(9_375, m.rate(), 1);
    }

    @Test
    void trafficThatStopsEndsThePausesWithinAFewRounds() {
        WakeModeration m = new WakeModeration(MAX);
        long[] clock = {0};
        steady(m, clock, 50, 100 * MICRO);
        clock[0] += 250_000 * MICRO; // a quarter of a second of silence (the loop's tick)
        assertEquals(0, m.pauseAfter(0, false, clock[0]));
        clock[0] += 10 * MICRO;
        assertEquals(0, m.pauseAfter(1, false, clock[0]), "one frame after the silence");
        assertTrue(m.rate() < 1_000, "the silence weighs in: " + m.rate());
    }

    @Test
    void zeroSwitchesItOffAndANegativePauseIsRefused() {
        WakeModeration m = new WakeModeration(0);
        long[] clock = {0};
        assertEquals(0, steady(m, clock, 50, 10 * MICRO));
        assertThrows(IllegalArgumentException.class, () -> new WakeModeration(-1));
    }
}
