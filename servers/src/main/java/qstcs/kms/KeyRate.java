package qstcs.kms;

import java.util.ArrayDeque;

/**
 * The link's final key rate as a recent average: key bits of the rounds that ended in the last
 * {@link #WINDOW_NANOS}, over the time since the round before the oldest of them. One round's bits
 * over the gap to the round before would spike whenever two rounds end close together (a reset
 * or a forced round starts one at once beside the background rounds): hundreds of kbit/s on a
 * 30 kbit/s link. Starts empty (no rate: 0) and after {@link #clear()}. Not thread-safe: the
 * link's lock guards it.
 */
final class KeyRate {
    static final long WINDOW_NANOS = 10_000_000_000L;

    private record Round(long endedNanos, long bits) {
    }

    private final ArrayDeque<Round> rounds = new ArrayDeque<>();
    private long bitsAfterOldest;

    /** A round ended at {@code nanos} and kept {@code bits} final key bits (0 if none). */
    void roundEnded(long nanos, long bits) {
        rounds.addLast(new Round(nanos, bits));
        if (rounds.size() > 1) {
            bitsAfterOldest += bits;
        }
        // Keep one round at or before the window's start as the interval's beginning.
        while (rounds.size() > 2) {
            var it = rounds.iterator();
            it.next();
            Round second = it.next();
            if (nanos - second.endedNanos() < WINDOW_NANOS) {
                break;
            }
            rounds.removeFirst();
            bitsAfterOldest -= second.bits();
        }
    }

    /** Bits per second over the window; 0 until two rounds ended. */
    double bitsPerSecond() {
        if (rounds.size() < 2) {
            return 0;
        }
        long span = rounds.getLast().endedNanos() - rounds.getFirst().endedNanos();
        return span <= 0 ? 0 : bitsAfterOldest / (span / 1e9);
    }

    /** Forgets every round (a reset, a take-over): the rate starts again from the next rounds. */
    void clear() {
        rounds.clear();
        bitsAfterOldest = 0;
    }
}
