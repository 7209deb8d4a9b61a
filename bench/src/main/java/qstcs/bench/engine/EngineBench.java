package qstcs.bench.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import qstcs.bench.BenchArgs;
import qstcs.crypto.qkd.CascadeVariant;
import qstcs.crypto.qkd.EngineProbe;
import qstcs.crypto.qkd.FiniteKey;
import qstcs.crypto.qkd.LinkRound;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.qkd.RoundConfig;

/**
 * {@code ./qstcs bench engine [--quick]}: times each engine step on one thread with warm-up
 * and reports the median of several timed repetitions. Rates are computed from the thread's
 * CPU time (what one core delivers, even when other processes share the machine); the wall
 * clock median is printed beside it. {@code --quick} shortens everything for a smoke run
 * (figures are then rough); {@code --only=STEP} (transmission, cascade, efficiency, privacy,
 * round) runs one step, so a figure can be re-measured briefly on a quiet machine.
 */
public final class EngineBench {

    private final boolean quick;
    private final RandomGenerator rng = QkdRandom.seeded(0xBEEFL);
    private final List<String[]> rows = new ArrayList<>();

    private EngineBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) {
        if (BenchArgs.helpRequested(args,
                "Usage: ./qstcs bench engine [--quick] [--only=transmission|cascade|efficiency|privacy|round]",
                a -> a.equals("--quick") || a.startsWith("--only="))) {
            return;
        }
        boolean quick = Arrays.asList(args).contains("--quick");
        String only = Arrays.stream(args).filter(a -> a.startsWith("--only=")).map(a -> a.substring(7))
                .findFirst().orElse("");
        List<String> steps = List.of("transmission", "cascade", "efficiency", "privacy", "round");
        if (!only.isEmpty() && !steps.contains(only)) {
            System.err.println("unknown step '" + only + "'; one of " + steps);
            System.exit(2);
        }
        EngineBench b = new EngineBench(quick);
        System.out.printf("QSTCS engine benchmark (%s, %d CPUs visible, Java %s, FFT butterflies: %s)%n",
                quick ? "quick" : "full", Runtime.getRuntime().availableProcessors(), Runtime.version(),
                EngineProbe.fftButterflies());
        Runnable[] run = {b::transmission, b::cascadeSpeed, b::efficiency, b::privacyAmplification, b::wholeRound};
        for (int i = 0; i < steps.size(); i++) {
            if (only.isEmpty() || only.equals(steps.get(i))) {
                run[i].run();
            }
        }
        b.print();
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Median wall nanoseconds of the last {@link #median} call. */
    private long lastWall;

    /** Median thread-CPU nanoseconds of {@code task} after warm-up (wall median kept in lastWall). */
    private long median(int warmups, int reps, LongSupplier task) {
        long sink = 0;
        for (int i = 0; i < warmups; i++) {
            sink += task.getAsLong();
        }
        long[] cpu = new long[reps];
        long[] wall = new long[reps];
        for (int i = 0; i < reps; i++) {
            long w = System.nanoTime();
            long c = THREADS.getCurrentThreadCpuTime();
            sink += task.getAsLong();
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c;
            wall[i] = System.nanoTime() - w;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        lastWall = wall[reps / 2];
        return cpu[reps / 2];
    }

    private void transmission() {
        int qubits = 65_536;
        double[][] cases = {{0.01, 0.0}, {0.01, 0.25}};
        for (double[] c : cases) {   // warm both paths first, so neither is timed mid-compilation
            median(quick ? 500 : 5_000, 1, () -> EngineProbe.transmitAndSift(qubits, c[0], c[1], rng));
        }
        for (double[] c : cases) {
            long ns = median(quick ? 500 : 5_000, quick ? 101 : 1_001,
                    () -> EngineProbe.transmitAndSift(qubits, c[0], c[1], rng));
            double gq = qubits / (double) ns;
            row(String.format(Locale.ROOT, "transmission+sifting, 65,536 qubits, noise %.0f %%, Eve %.2f",
                    100 * c[0], c[1]), fmt(gq, 2) + " Gqubit/s", qubits / (double) lastWall, "≥ 1", gq >= 1.0);
        }
    }

    private void cascadeSpeed() {
        int n = 10_000;
        double q = 0.02;
        int frames = 64;
        Object[][] pool = new Object[frames][];
        for (int i = 0; i < frames; i++) {
            pool[i] = EngineProbe.frame(n, q, rng);
        }
        for (CascadeVariant v : CascadeVariant.values()) {
            int[] next = {0};
            long ns = median(quick ? 200 : 2000, quick ? 51 : 501,
                    () -> EngineProbe.reconcile(pool[next[0]++ % frames], q, v, rng)[0]);
            double mbit = n * 1e3 / ns;
            row("Cascade " + v + ", Q 2 %, 10^4-bit frames", fmt(mbit, 1) + " Mbit/s", n * 1e3 / lastWall,
                    "≥ 20", mbit >= 20);
        }
    }

    private void efficiency() {
        int n = 10_000;
        int frames = quick ? 200 : 1000;
        for (CascadeVariant v : CascadeVariant.values()) {
            StringBuilder fs = new StringBuilder();
            StringBuilder fer = new StringBuilder();
            boolean ok = true;
            int worst = 0;
            for (double q : new double[] {0.01, 0.02, 0.05, 0.10}) {
                double sumLeak = 0;
                int failures = 0;
                for (int i = 0; i < frames; i++) {
                    long[] r = EngineProbe.reconcile(EngineProbe.frame(n, q, rng), q, v, rng);
                    sumLeak += r[0];
                    failures += 1 - (int) r[1];
                }
                double f = sumLeak / frames / (n * FiniteKey.binaryEntropy(q));
                ok &= f <= 1.10;
                fs.append(String.format(Locale.ROOT, "%s%.3f", fs.isEmpty() ? "" : " / ", f));
                fer.append(String.format(Locale.ROOT, "%s%d", fer.isEmpty() ? "" : " / ", failures));
                worst = Math.max(worst, failures);
            }
            boolean optimized = v != CascadeVariant.ORIGINAL;
            row("efficiency f, " + v + ", Q 1/2/5/10 %, " + frames + " frames", fs.toString(), Double.NaN,
                    optimized ? "≤ 1.10" : "ref 1.14/1.16/1.18/1.21", !optimized || ok);
            row("frames not equalized, " + v + ", Q 1/2/5/10 %, of " + frames, fer.toString(), Double.NaN,
                    "≤ 0.1 %", worst * 1000 <= frames);
        }
    }

    private void privacyAmplification() {
        int n = 1_000_000;
        for (int l : new int[] {700_000, n / 70}) {
            Object[] input = EngineProbe.toeplitzInput(n, l, rng);
            // ~20 warm-up products: with fewer, C2 is still compiling the FFT kernels (OSR) when timing starts.
            long ns = median(quick ? 5 : 20, quick ? 5 : 15, () -> EngineProbe.toeplitz(input));
            double mbit = n * 1e3 / ns;
            row(String.format(Locale.ROOT, "privacy amplification n=10^6 → ℓ=%,d (FFT %s)", l,
                    EngineProbe.fftButterflies().startsWith("vector") ? "vector" : "scalar"), fmt(mbit, 1) + " Mbit/s",
                    n * 1e3 / lastWall, "≥ 20", mbit >= 20);
        }
    }

    private void wholeRound() {
        RoundConfig config = RoundConfig.defaults();
        long ns = median(quick ? 50 : 300, quick ? 21 : 101, () -> LinkRound.run(config, rng).stats().finalLength());
        double ms = ns / 1e6;
        row("whole round, 65,536 qubits, noise 1 %, " + config.cascade(), fmt(ms, 2) + " ms", lastWall / 1e6,
                "≤ 5", ms <= 5);
    }

    /** One table row; {@code wall} is the same figure from the wall clock (NaN: not timed). */
    private void row(String what, String value, double wall, String goal, boolean met) {
        String wallText = Double.isNaN(wall) ? "" : fmt(wall, 2);
        rows.add(new String[] {what, value, wallText, goal, met ? "yes" : "NO"});
        System.out.printf("  %-66s %s%n", what, value);
    }

    private void print() {
        System.out.println();
        System.out.println("| measurement | result (CPU time) | same, wall clock | goal | met |");
        System.out.println("|---|---|---|---|---|");
        for (String[] r : rows) {
            System.out.printf("| %s | %s | %s | %s | %s |%n", r[0], r[1], r[2], r[3], r[4]);
        }
    }

    private static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
