package qstcs.relay;

import java.util.function.LongSupplier;

/**
 * A frame rate: a token bucket ({@code burst} frames, refilled at {@code perSecond}), one per
 * connection until it registers, then one per device id, shared by its connections in turn.
 * A client that keeps sending far beyond the rate is flooding, not merely bursty: once it has had
 * more frames rejected within one second than the rate allows in a second, it is cut off.
 * Synchronized: a replaced connection and its successor may both still be reading.
 */
final class FrameRate {

    enum Verdict { ACCEPT, REJECT, FLOOD }

    private static final long SECOND = 1_000_000_000L;

    private final int perSecond;
    private final int burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;
    private long windowStart;
    private int rejectedInWindow;

    FrameRate(int perSecond, int burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
        this.windowStart = refilledAt;
    }

    synchronized Verdict admit() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * (double) perSecond / SECOND);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ACCEPT;
        }
        if (now - windowStart >= SECOND) {
            windowStart = now;
            rejectedInWindow = 0;
        }
        return ++rejectedInWindow > perSecond ? Verdict.FLOOD : Verdict.REJECT;
    }

    /** Refilled to its burst: forgetting it now gives a reconnecting device nothing a new one would not. */
    synchronized boolean full() {
        return tokens + (nanoClock.getAsLong() - refilledAt) * (double) perSecond / SECOND >= burst;
    }
}
