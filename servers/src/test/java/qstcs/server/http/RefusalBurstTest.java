package qstcs.server.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flood of refusals is one burst: its first refusal says so, its end is reported once with the count. */
class RefusalBurstTest {
    private static final long S = 1_000_000_000L;

    @Test
    void onlyTheFirstRefusalOfABurstStartsIt() {
        RefusalBurst burst = new RefusalBurst(10 * S);
        assertTrue(burst.refused(0));
        for (int i = 1; i < 1000; i++) {
            assertFalse(burst.refused(i * S / 100), "refusal " + i);
        }
    }

    @Test
    void aBurstEndsAfterTheQuietTimeAndIsReportedOnceWithItsCount() {
        RefusalBurst burst = new RefusalBurst(10 * S);
        assertNull(burst.endedBy(0), "no burst yet");
        burst.refused(S);
        burst.refused(2 * S);
        burst.refused(4 * S);
        assertNull(burst.endedBy(13 * S), "9 s after the last refusal it is still on");
        assertEquals(new RefusalBurst.Ended(3, 3), burst.endedBy(14 * S));
        assertNull(burst.endedBy(30 * S), "reported once");
    }

    @Test
    void aRefusalAfterTheEndStartsANewBurst() {
        RefusalBurst burst = new RefusalBurst(10 * S);
        burst.refused(0);
        assertTrue(burst.endedBy(10 * S) != null);
        assertTrue(burst.refused(11 * S));
        assertFalse(burst.refused(12 * S));
        assertEquals(new RefusalBurst.Ended(2, 1), burst.endedBy(22 * S));
    }

    @Test
    void refusalsThatNeverPauseStayOneBurst() {
        RefusalBurst burst = new RefusalBurst(10 * S);
        assertTrue(burst.refused(0));
        for (long t = S; t <= 120 * S; t += S) {
            assertFalse(burst.refused(t));
            assertNull(burst.endedBy(t));
        }
    }
}
