package qstcs.bench.relay;

import java.util.Arrays;

/** End-to-end latencies of one run, kept raw (a run holds at most a few hundred thousand). */
public final class Latencies {

    private long[] nanos;
    private int count;

    Latencies(int expected) {
        nanos = new long[Math.max(expected, 1024)];
    }

    synchronized void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    public synchronized int count() {
        return count;
    }

    /** The {@code p}-th percentile (0–100) in microseconds. */
    public synchronized double percentileMicros(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1);
        return sorted[Math.max(index, 0)] / 1000.0;
    }
}
