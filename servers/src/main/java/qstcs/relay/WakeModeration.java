package qstcs.relay;

/**
 * When the relay's event loop waits a little before looking at its sockets again, as a network
 * card moderates its interrupts: each wake-up of the loop (the kernel's scheduler, the selector's
 * system call, caches gone cold meanwhile) costs about as much as relaying a small frame, so
 * while frames arrive close together one wake-up should serve several of them. Frames that arrive
 * during a pause wait at most that long; sparse traffic and a loop that already has a backlog
 * get no pause at all. Pure: the loop passes in the time and what its last round did.
 */
final class WakeModeration {

    /** How much of the past the arrival rate remembers, per round (an exponential average). */
    private static final double KEEP = 0.9;
    /** A pause is worth its own wake-up only when it is expected to gather at least this many frames. */
    static final double WORTH = 2.0;
    /** A round that handled this many sockets already serves many frames per wake-up. */
    static final int BACKLOG = 8;

    private final long maxPauseNanos;
    private double events;
    private double nanos;
    private long lastRound;
    private boolean started;

    /** @param maxPauseNanos the longest pause (0: never pause) */
    WakeModeration(long maxPauseNanos) {
        if (maxPauseNanos < 0) {
            throw new IllegalArgumentException("the pause must not be negative, was " + maxPauseNanos);
        }
        this.maxPauseNanos = maxPauseNanos;
    }

    /**
     * After a round of the loop at {@code now} that handled {@code ready} sockets: how long to
     * pause before the next look at the sockets (0: wait for the next event as usual).
     *
     * @param busy true when the loop has queued work of its own (tasks, frames still to write)
     */
    long pauseAfter(int ready, boolean busy, long now) {
        if (!started) {
            started = true;
            lastRound = now;
            events = ready;
            return 0;
        }
        long elapsed = Math.max(0, now - lastRound);
        lastRound = now;
        events = events * KEEP + ready;
        nanos = nanos * KEEP + elapsed;
        if (maxPauseNanos == 0 || ready == 0 || busy || ready >= BACKLOG || nanos <= 0) {
            return 0;
        }
        double perNano = events / nanos;
        return perNano * maxPauseNanos >= WORTH ? maxPauseNanos : 0;
    }

    /** Frames per second the loop has seen lately (for tests and logs). */
    double rate() {
        return nanos <= 0 ? 0 : events / nanos * 1e9;
    }
}
