package qstcs.bench.soak;

import java.util.Arrays;

/** Latencies of one sampling interval; {@link #drain} returns their percentiles and starts the next interval. */
final class LatencyWindow {

    /** Percentiles of one interval in milliseconds (NaN when nothing was measured). */
    record Percentiles(double p50Ms, double p99Ms, int count) {
    }

    private long[] nanos = new long[1024];
    private int count;

    synchronized void add(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    synchronized Percentiles drain() {
        long[] sorted = Arrays.copyOf(nanos, count);
        int n = count;
        count = 0;
        if (n == 0) {
            return new Percentiles(Double.NaN, Double.NaN, 0);
        }
        Arrays.sort(sorted);
        return new Percentiles(percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6, n);
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
