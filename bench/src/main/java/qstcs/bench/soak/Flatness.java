package qstcs.bench.soak;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a sampled series stayed flat: the mean of its last third may exceed the mean of its
 * first third by at most {@code relative × first + absolute}. Samples of the warm-up are left
 * out first (the JIT compiles, heaps and pools grow to their working size). Only growth fails:
 * a leak of memory, descriptors or threads, or latency that worsens as the servers age, shows as
 * a later third above the earlier one; a series that falls is flat. NaN samples (an interval
 * without a measurement, e.g. while the link was RED) are skipped.
 */
record Flatness(String series, double firstMean, double lastMean, double limit, boolean flat) {

    /** How much the last third may exceed the first: {@code relative × first + absolute}. */
    record Tolerance(double relative, double absolute) {
        double limitFor(double firstMean) {
            return firstMean * (1 + relative) + absolute;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "+%.0f %% + %s", relative * 100, trim(absolute));
        }
    }

    /**
     * Judges {@code samples} after dropping the first {@code warmUpSamples}. Fewer than three
     * measured samples left cannot show a trend; such a series is reported as not flat, so a run
     * too short to judge never passes.
     */
    static Flatness judge(String series, double[] samples, int warmUpSamples, Tolerance tolerance) {
        double[] measured = Arrays.stream(samples).skip(Math.max(0, warmUpSamples)).filter(v -> !Double.isNaN(v)).toArray();
        if (measured.length < 3) {
            return new Flatness(series, Double.NaN, Double.NaN, Double.NaN, false);
        }
        int third = measured.length / 3;
        double first = mean(measured, 0, third);
        double last = mean(measured, measured.length - third, measured.length);
        double limit = tolerance.limitFor(first);
        return new Flatness(series, first, last, limit, last <= limit);
    }

    private static double mean(double[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += v[i];
        }
        return sum / (to - from);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
