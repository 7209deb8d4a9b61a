package qstcs.bench.crypto;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import qstcs.bench.BenchArgs;
import qstcs.crypto.keys.HandshakeFailedException;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameRejectedException;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.ReplayWindow;
import qstcs.crypto.seal.SealedFrame;

/**
 * {@code ./qstcs bench crypto [--quick]}: chat-crypto throughput and latency on one thread.
 * Each figure is the median of several timed batches after a warm-up long enough for the JIT
 * to compile the hot paths; {@code --quick} shortens everything for a smoke run.
 */
public final class CryptoBench {

    private static final String KEY_ID = "0e7b4f4e-1d2a-4c39-8a55-3c2d1e0f9a8b";
    private static final String ID = "6f1c0c7e-3c5a-4a2b-9d1e-5b8f0e1a2c3d";
    private static final String A = "Soldier_Alpha";
    private static final String B = "Soldier_Bravo";
    private static final int MESSAGE_BYTES = 200;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final boolean quick;
    private final SecureRandom random = new SecureRandom();
    private final List<String[]> rows = new ArrayList<>();
    private long sink;

    private CryptoBench(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        if (BenchArgs.helpRequested(args, "Usage: ./qstcs bench crypto [--quick]", a -> a.equals("--quick"))) {
            return;
        }
        CryptoBench b = new CryptoBench(Arrays.asList(args).contains("--quick"));
        System.out.printf("QSTCS crypto benchmark (%s, %d CPUs visible, load average %s, Java %s)%n",
                b.quick ? "quick" : "full", Runtime.getRuntime().availableProcessors(), loadAverage(), Runtime.version());
        b.sealOpen();
        b.wirePath();
        b.replayWindow();
        b.handshake();
        b.print();
        System.out.printf("(load average at the end: %s)%n", loadAverage());
        if (b.sink == 42) {
            System.out.print("");
        }
    }

    /** Seal + open of a 200-byte message, the goal figure. */
    private void sealOpen() throws FrameRejectedException {
        FrameSealer sealer = new FrameSealer(KEY_ID, SecretBytes.random(32, random));
        byte[] message = new byte[MESSAGE_BYTES];
        random.nextBytes(message);
        int batch = 20_000;
        Rate both = rate(batch, () -> {
            for (int i = 0; i < batch; i++) {
                SealedFrame f = sealer.seal(ID, A, B, i, 1_700_000_000L, message);
                sink += sealer.open(f).length;
            }
        });
        row("seal + open, 200-byte message, 1 thread", fmt(both), "≥ 200,000 /s on one core", both.cpu() >= 200_000);
        Rate sealOnly = rate(batch, () -> {
            for (int i = 0; i < batch; i++) {
                sink += sealer.seal(ID, A, B, i, 1_700_000_000L, message).seq();
            }
        });
        row("seal only (" + micros(1e9 / sealOnly.cpu()) + " CPU each)", fmt(sealOnly), "", null);
        SealedFrame f = sealer.seal(ID, A, B, 1, 1_700_000_000L, message);
        Rate openOnly = rate(batch, () -> {
            for (int i = 0; i < batch; i++) {
                sink += sealer.open(f).length;
            }
        });
        row("open only (" + micros(1e9 / openOnly.cpu()) + " CPU each)", fmt(openOnly), "", null);
    }

    /** What a chat client really does per message: seal, JSON out, JSON in, open. */
    private void wirePath() throws FrameRejectedException {
        FrameSealer sealer = new FrameSealer(KEY_ID, SecretBytes.random(32, random));
        byte[] message = new byte[MESSAGE_BYTES];
        int batch = 10_000;
        Rate perSec = rate(batch, () -> {
            for (int i = 0; i < batch; i++) {
                String json = sealer.seal(ID, A, B, i, 1_700_000_000L, message).toJson();
                sink += sealer.open(SealedFrame.fromJson(json)).length;
            }
        });
        row("seal + toJson + fromJson + open", fmt(perSec), "", null);
    }

    private void replayWindow() throws FrameRejectedException {
        ReplayWindow w = new ReplayWindow();
        int batch = 100_000;
        long[] next = {0};
        Rate perSec = rate(batch, () -> {
            for (int i = 0; i < batch; i++) {
                long seq = next[0]++;
                // every 8th frame arrives 5 late, by then a duplicate: both paths get exercised
                sink += w.accept(KEY_ID, A, "f" + seq, (seq & 7) == 0 && seq > 5 ? seq - 5 : seq).ordinal();
            }
        });
        row("replay window accept (check + record)", fmt(perSec), "", null);
    }

    /** Time per side of one hybrid handshake; the ML-KEM steps dominate. */
    private void handshake() throws HandshakeFailedException {
        SecretBytes qkd = SecretBytes.random(32, random);
        int warm = quick ? 200 : 2_000;
        int reps = quick ? 201 : 1_001;
        long[] initiator = new long[reps];
        long[] responder = new long[reps];
        for (int i = 0; i < warm + reps; i++) {
            long t0 = System.nanoTime();
            HybridHandshake.Initiator alpha = HybridHandshake.initiate(qkd, KEY_ID, A, B, random);
            long t1 = System.nanoTime();
            HybridHandshake.Response bravo = HybridHandshake.respond(qkd, KEY_ID, B, alpha.kemInit(), random);
            long t2 = System.nanoTime();
            SecretBytes k = alpha.complete(bravo.kemResp());
            long t3 = System.nanoTime();
            sink += k.size();
            if (i >= warm) {
                initiator[i - warm] = (t1 - t0) + (t3 - t2);
                responder[i - warm] = t2 - t1;
            }
        }
        Arrays.sort(initiator);
        Arrays.sort(responder);
        double ini = initiator[reps / 2] / 1e6;
        double res = responder[reps / 2] / 1e6;
        row("hybrid handshake, initiator side (keygen + MAC, then verify + decaps + HKDF)",
                ms(ini) + " median, p90 " + ms(initiator[reps * 9 / 10] / 1e6), "≤ 1 ms", ini <= 1.0);
        row("hybrid handshake, responder side (verify + encaps + MAC + HKDF)",
                ms(res) + " median, p90 " + ms(responder[reps * 9 / 10] / 1e6), "≤ 1 ms", res <= 1.0);
    }

    private interface Batch {
        void run() throws FrameRejectedException;
    }

    /** Operations per second by wall clock and per second of this thread's CPU time. */
    private record Rate(double wall, double cpu) {
    }

    /**
     * Median rates over timed batches, after warm-up batches. The CPU-time rate is what one core
     * delivers when this thread has it; on a shared, busy machine the wall-clock rate is lower
     * only because the thread waits for a core.
     */
    private Rate rate(int opsPerBatch, Batch batch) throws FrameRejectedException {
        int warm = quick ? 5 : 40;
        int reps = quick ? 5 : 15;
        for (int i = 0; i < warm; i++) {
            batch.run();
        }
        double[] wall = new double[reps];
        double[] cpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            batch.run();
            long t1 = System.nanoTime();
            long c1 = THREADS.getCurrentThreadCpuTime();
            wall[i] = opsPerBatch / ((t1 - t0) / 1e9);
            cpu[i] = opsPerBatch / ((c1 - c0) / 1e9);
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new Rate(wall[reps / 2], cpu[reps / 2]);
    }

    private static String fmt(Rate r) {
        return fmt(r.cpu()) + " /s per CPU-second (" + fmt(r.wall()) + " /s wall clock)";
    }

    private void row(String what, String value, String goal, Boolean met) {
        rows.add(new String[] {what, value, goal, met == null ? "" : met ? "met" : "NOT met"});
    }

    private void print() {
        System.out.println();
        System.out.println("| measurement | result | goal | |");
        System.out.println("|---|---|---|---|");
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
    }

    private static String fmt(double perSec) {
        return String.format(Locale.ROOT, "%,.0f", perSec);
    }

    private static String micros(double ns) {
        return String.format(Locale.ROOT, "%.2f µs", ns / 1000);
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%.3f ms", ms);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
