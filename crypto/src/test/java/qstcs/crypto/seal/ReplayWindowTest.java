package qstcs.crypto.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qstcs.crypto.seal.ReplayWindow.Verdict.DUPLICATE;
import static qstcs.crypto.seal.ReplayWindow.Verdict.FRESH;
import static qstcs.crypto.seal.ReplayWindow.Verdict.TOO_OLD;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import qstcs.crypto.wire.MalformedFrameException;

class ReplayWindowTest {

    private static final String K = "key-1";
    private static final String A = "Soldier_Alpha";
    private final ReplayWindow window = new ReplayWindow();

    private ReplayWindow.Verdict accept(long seq) {
        return window.accept(K, A, "id-" + seq, seq);
    }

    @Test
    void aSenderRestartedUnderTheSameKeyStartsAboveEverySeqOfItsEarlierRun() {
        java.time.Instant firstRun = java.time.Instant.parse("2026-12-04T17:00:00Z");
        long first = ReplayWindow.startingSeq(firstRun);
        for (long seq = first; seq < first + 400; seq++) { // a whole second at the chat client's pace
            assertEquals(FRESH, accept(seq));
        }
        long again = ReplayWindow.startingSeq(firstRun.plusSeconds(1));
        assertEquals(FRESH, window.accept(K, A, "after-restart", again), "not taken for a replay");
        assertEquals(1_796_403_600_000_000L, first, "microseconds since the epoch");
        assertEquals(0, ReplayWindow.startingSeq(java.time.Instant.EPOCH));
    }

    @Test
    void aDuplicateSeqIsRejected() {
        assertEquals(FRESH, accept(1));
        assertEquals(FRESH, accept(2));
        assertEquals(DUPLICATE, window.accept(K, A, "other-id", 2), "same seq under a new id is still a replay");
        assertEquals(DUPLICATE, accept(1));
    }

    @Test
    void outOfOrderWithinTheWindowIsAcceptedOnce() {
        assertEquals(FRESH, accept(1000));
        assertEquals(FRESH, accept(10));  // 990 behind, inside the 1024 window
        assertEquals(DUPLICATE, accept(10));
        assertEquals(FRESH, accept(999));
        assertEquals(FRESH, accept(977));
        assertEquals(DUPLICATE, accept(999));
        assertEquals(FRESH, accept(1001));
        assertEquals(DUPLICATE, accept(10), "still remembered after the window moved by one");
    }

    @Test
    void tooOldIsRejected() {
        assertEquals(FRESH, accept(5000));
        assertEquals(FRESH, accept(5000 - 1023));
        assertEquals(TOO_OLD, accept(5000 - 1024));
        assertEquals(TOO_OLD, window.check(K, A, "never-seen", 0));
    }

    @Test
    void aLargeJumpForgetsTheOldBitsCorrectly() {
        for (long s = 0; s < 1024; s++) {
            assertEquals(FRESH, accept(s));
        }
        assertEquals(FRESH, accept(1024 + 600));
        // Seqs 601..1023 are still inside the window and were seen; 1024..1623 were skipped, so fresh.
        assertEquals(DUPLICATE, window.check(K, A, "x", 700));
        assertEquals(TOO_OLD, window.check(K, A, "x", 600));
        for (long s = 1024; s < 1624; s++) {
            assertEquals(FRESH, window.accept(K, A, "y" + s, s), "seq " + s);
        }
    }

    @Test
    void aRedeliveredFrameIdIsADuplicateNotAnAttack() {
        assertEquals(FRESH, window.accept(K, A, "msg-42", 7));
        // The sender re-sealed msg-42 after a reconnect: new seq, maybe even a new key.
        assertEquals(DUPLICATE, window.check(K, A, "msg-42", 8));
        assertEquals(DUPLICATE, window.accept("key-2", A, "msg-42", 1));
        // Far in the past too: a re-delivery is still reported as a duplicate, not as too old.
        for (long s = 8; s < 3000; s++) {
            accept(s);
        }
        assertEquals(DUPLICATE, window.check(K, A, "msg-42", 7));
    }

    @Test
    void checkChangesNothing() {
        assertEquals(FRESH, window.check(K, A, "a", 5));
        assertEquals(FRESH, window.check(K, A, "a", 5));
        assertEquals(0, window.trackedStreams());
        assertEquals(FRESH, window.accept(K, A, "a", 5));
        assertEquals(1, window.trackedStreams());
    }

    @Test
    void streamsArePerKeyIdAndSender() {
        assertEquals(FRESH, window.accept(K, A, "1", 1));
        assertEquals(FRESH, window.accept(K, "Soldier_Bravo", "2", 1));
        assertEquals(FRESH, window.accept("key-2", A, "3", 1));
        assertEquals(3, window.trackedStreams());
    }

    @Test
    void acceptsTheFrameFormToo() {
        SealedFrame f = SealedFrameTest.sample();
        assertEquals(FRESH, window.check(f));
        assertEquals(FRESH, window.accept(f));
        assertEquals(DUPLICATE, window.accept(f));
    }

    @Test
    void refusesNonsense() {
        assertThrows(MalformedFrameException.class, () -> window.check(K, A, "x", -1));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(100, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(64, 0, 1));
    }

    @Test
    void memoryStaysBoundedOverAMillionFrames() {
        // 3 senders, a new key_id every 300 frames (10,000 key_ids in all, more than the 4096
        // streams kept), unique frame ids, seqs shuffled within a small reorder distance.
        ReplayWindow w = new ReplayWindow();
        SplittableRandom rnd = new SplittableRandom(7);
        long[] sizes = new long[4];
        int checkpoint = 0;
        long fresh = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int block = i / 300;
            int inBlock = i % 300;
            String sender = "Soldier_" + (inBlock % 3);
            long seq = inBlock / 3 + 1;
            if (rnd.nextInt(4) == 0 && seq > 4) {
                seq -= rnd.nextInt(4);  // a late frame; sometimes one already seen
            }
            if (w.accept("key-" + block, sender, "f" + i, seq) == FRESH) {
                fresh++;
            }
            if (i + 1 == 250_000 || i + 1 == 500_000 || i + 1 == 750_000 || i + 1 == 1_000_000) {
                sizes[checkpoint++] = RetainedSize.of(w);
            }
        }
        assertTrue(fresh > 800_000, "most frames are fresh: " + fresh);
        assertEquals(ReplayWindow.DEFAULT_MAX_STREAMS, w.trackedStreams());
        assertEquals(ReplayWindow.DEFAULT_MAX_FRAME_IDS, w.trackedFrameIds());
        // Once the bounds are reached (by 500,000 frames) the retained size no longer grows.
        assertTrue(sizes[3] <= sizes[1] * 1.02, "retained bytes at 0.5M/0.75M/1M frames: "
                + sizes[1] + " / " + sizes[2] + " / " + sizes[3]);
        // Absolute bound: a 1024-bit window plus ~150 bytes of bookkeeping per stream, ~150 bytes per id.
        long bound = ReplayWindow.DEFAULT_MAX_STREAMS * (1024 / 8 + 200L) + ReplayWindow.DEFAULT_MAX_FRAME_IDS * 200L + 100_000;
        assertTrue(sizes[3] < bound, "retained " + sizes[3] + " bytes, bound " + bound);
        System.out.printf("replay window retained bytes at 250k/500k/750k/1M frames: %d / %d / %d / %d%n",
                sizes[0], sizes[1], sizes[2], sizes[3]);
    }

    @Test
    void theMeasurementSeesGrowth() {
        // Guards the memory test itself: an unbounded structure must show up as growth.
        java.util.ArrayList<String> grows = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            grows.add("f" + i);
        }
        long small = RetainedSize.of(grows);
        for (int i = 1000; i < 10_000; i++) {
            grows.add("f" + i);
        }
        assertTrue(RetainedSize.of(grows) > 5 * small);
    }
}
