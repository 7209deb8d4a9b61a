package qstcs.server.http;

/**
 * Refusals grouped into bursts, so that a flood is logged twice (when it starts, and how many
 * when it has stopped) instead of once per connection. A burst ends when no refusal came for
 * the quiet time. Times are {@code System.nanoTime()} readings; safe for several threads.
 */
final class RefusalBurst {

    /** A burst that has ended: how many refusals over how many seconds (first to last). */
    record Ended(long refused, long seconds) {
    }

    private final long quietNanos;
    private boolean open;
    private long first;
    private long last;
    private long count;

    RefusalBurst(long quietNanos) {
        this.quietNanos = quietNanos;
    }

    /** Counts a refusal at {@code now}; true when it starts a burst (the caller logs that). */
    synchronized boolean refused(long now) {
        count++;
        last = now;
        if (open) {
            return false;
        }
        open = true;
        first = now;
        return true;
    }

    /** The burst that has ended by {@code now} (no refusal for the quiet time), once; else null. */
    synchronized Ended endedBy(long now) {
        if (!open || now - last < quietNanos) {
            return null;
        }
        Ended ended = new Ended(count, (last - first) / 1_000_000_000L);
        open = false;
        count = 0;
        return ended;
    }
}
