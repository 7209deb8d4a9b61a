package qstcs.relay;

import java.util.function.LongSupplier;

/**
 * Per-connection frame rate: a token bucket ({@code burst} frames, refilled at {@code perSecond}).
 * A client that keeps sending far beyond the rate is flooding, not merely bursty: once it has had
 * more frames rejected within one second than the rate allows in a second, it is cut off.
 * Used only by the connection's own reader thread, so it needs no locking.
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

    Verdict admit() {
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
}
