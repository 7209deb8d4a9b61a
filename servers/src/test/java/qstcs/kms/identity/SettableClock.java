package qstcs.kms.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, to expire codes and rate-limit windows without sleeping: wall time
 * ({@link #instant()}) and monotonic time ({@link #nanos()}) move together on {@link #advance},
 * and only wall time on {@link #jump} (the system clock set forward or back).
 */
public final class SettableClock extends Clock {
    private volatile Instant now;
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(42_000_000_000L);

    public SettableClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration d) {
        now = now.plus(d);
        nanos.addAndGet(d.toNanos());
    }

    /** The wall clock is set by {@code d} (negative: back); monotonic time does not move. */
    public void jump(Duration d) {
        now = now.plus(d);
    }

    /** Monotonic time, as {@link System#nanoTime()} gives it. */
    public long nanos() {
        return nanos.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
