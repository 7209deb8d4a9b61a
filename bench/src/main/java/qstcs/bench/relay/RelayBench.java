package qstcs.bench.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;

import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench relay [--pairs 100] [--window 8] [--seconds 10] [--rate 10000] [--idle 10000]
 * [--only throughput|steady|idle|handshake] [--relay-jvm "OPTIONS"] [--io loop|helidon] [--wake-pause MICROS]
 * [--insecure] [--burst N]}.
 *
 * <p>The relay runs as {@code qstcs.relay.Main} in its own JVM (as {@code ./qstcs relay} does), so
 * its CPU time and memory are its own; the load generator runs here. Both share the machine, so
 * client work limits the figures too. By default it measures the configuration users run:
 * {@code wss://} with a certificate from the KMS's CA and every device registered with its own
 * token, checked by a real KMS (also in its own JVM, mostly idle after the registrations).
 * {@code --insecure} measures plain {@code ws://} without tokens, for comparison only. The
 * per-connection rate limit is lifted for the run: one benchmark connection sends far more than a
 * person can type; so are the per-address connection limits, since every benchmark connection
 * comes from 127.0.0.1. {@code --io} picks the relay's socket I/O (default: the relay's own).
 * {@code --burst N} repeats the steady run while N new connections open (TLS handshake, upgrade,
 * one ping each, 32 at a time), to see what a reconnect wave costs the devices already connected.
 * {@code --only handshake} measures the server's CPU per TLS handshake in this JVM
 * ({@link ServerHandshakeCost}).
 */
public final class RelayBench {

    /** The relay's settings for a bench: rate and per-address limits lifted (see the class comment). */
    static final String SETTINGS = """
            app:
              limits:
                rate-per-second: 10000000
                rate-burst: 10000000
                open-per-address: 60000
                pending-per-address: 1000
            """;

    private RelayBench() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args,
                Set.of("pairs", "window", "seconds", "rate", "idle", "only", "relay-jvm", "hold", "io", "burst",
                        "wake-pause"), Set.of("insecure"));
        if (flags.help()) {
            System.out.println("Usage: ./qstcs bench relay [--pairs 100] [--window 8] [--seconds 10] [--rate 10000]"
                    + " [--idle 10000] [--only throughput|steady|idle|handshake] [--relay-jvm \"OPTIONS\"] [--io loop|helidon]"
                    + " [--wake-pause MICROS] [--insecure] [--burst N]\n"
                    + "Default: wss:// with device tokens checked by a real KMS (as users run it);"
                    + " --insecure: plain ws:// without tokens, for comparison;"
                    + " --io: the relay's socket I/O (loop: its event loop, the default; helidon: Helidon's WebSocket);"
                    + " --wake-pause: the event loop's longest pause gathering frames (app.wake-pause-micros; 0: none).");
            return;
        }
        if (flags.string("only").orElse("").equals("handshake")) {
            double nanos = new ServerHandshakeCost().measure(2000);
            System.out.printf("server TLS handshake (TLS 1.3, EC P-256 certificate from the local CA): %.3f ms of CPU"
                    + " each (mean of 2,000 after 2,000 to warm up; load average %s)%n", nanos / 1e6, ProcFigures.loadAverage());
            return;
        }
        boolean insecure = flags.isSet("insecure");
        int pairs = flags.integer("pairs", 1, 5000).orElse(100);
        int window = flags.integer("window", 1, 1000).orElse(8);
        Duration seconds = Duration.ofSeconds(flags.integer("seconds", 1, 600).orElse(10));
        int rate = flags.integer("rate", 1, 1_000_000).orElse(10_000);
        int idle = flags.integer("idle", 0, 60_000).orElse(10_000);
        String only = flags.string("only").orElse("all");
        List<String> relayFlags = flags.string("io").map(io -> List.of("--io", io)).orElse(List.of());
        List<String> relayJvm = flags.string("relay-jvm").map(s -> Arrays.asList(s.trim().split("\\s+")))
                .filter(l -> !l.getFirst().isEmpty()).orElse(RelayProcess.LAUNCHER_JVM);

        System.out.printf("Relay benchmark — %d cores, load average %s at start, relay JVM options %s%n",
                Runtime.getRuntime().availableProcessors(), ProcFigures.loadAverage(), relayJvm.isEmpty() ? "(none)" : relayJvm);
        System.out.println("(relay in its own JVM; this JVM generates the load over real WebSockets on loopback)");
        System.out.println("relay I/O: " + flags.string("io").orElse("the relay's default (loop)")
                + flags.integer("wake-pause", 0, 2000).map(p -> ", wake pause " + p + " µs").orElse(""));
        System.out.println(insecure ? "configuration: plain ws://, no device tokens (--insecure; not what users run)"
                : "configuration: wss:// (TLS 1.3, CA-pinned), each device registered with its own token checked by the KMS");
        System.out.println();
        String settings = SETTINGS + flags.integer("wake-pause", 0, 2000).map(p -> "  wake-pause-micros: " + p + "\n")
                .orElse("");
        try (KmsForRelay kms = insecure ? null : new KmsForRelay()) {
            run(flags, settings, kms, pairs, window, seconds, rate, idle, only, relayJvm, relayFlags);
        }
        System.out.printf("%nload average at end: %s%n", ProcFigures.loadAverage());
        System.exit(0); // OkHttp and HttpClient keep non-daemon threads for a while
    }

    private static void run(CommandLine flags, String settings, KmsForRelay kms, int pairs, int window,
                            Duration seconds, int rate,
                            int idle, String only, List<String> relayJvm, List<String> relayFlags)
            throws Exception {
        SSLContext tls = kms == null ? null : kms.pinnedTls();
        PairLoad.DeviceTokens tokens = kms == null ? id -> "" : kms::enroll;

        if (only.equals("all") || only.equals("throughput") || only.equals("steady")) {
            try (RelayProcess relay = new RelayProcess(settings, relayJvm, kms, relayFlags);
                 PairLoad load = new PairLoad(relay.port(), pairs, tls, tokens)) {
                // Warm-up: let the JIT compile both sides before anything is measured.
                int warm = warmUp(relay, d -> load.closedLoop(window, d));
                if (only.equals("all") || only.equals("throughput")) {
                    long cpu0 = relay.cpuNanos();
                    long sys0 = relay.systemCpuNanos();
                    long jit0 = relay.compilerCpuNanos();
                    long gen0 = generatorCpuNanos();
                    long[] io0 = relay.syscalls();
                    PairLoad.Run run = load.closedLoop(window, seconds);
                    long cpu = relay.cpuNanos() - cpu0;
                    long sys = relay.systemCpuNanos() - sys0;
                    long jit = relay.compilerCpuNanos() - jit0;
                    long gen = generatorCpuNanos() - gen0;
                    long[] io = relay.syscalls();
                    System.out.printf("throughput  %d pairs, %d in flight each, %d s (after %d s of warm-up)%n", pairs, window,
                            seconds.toSeconds(), warm);
                    System.out.printf("  relayed          %,.0f msgs/s   (sent %,d, received %,d, lost %,d, out of order %,d)%n",
                            run.perSecond(), run.sent(), run.received(), run.sent() - run.received(), run.outOfOrder());
                    System.out.printf("  latency          p50 %.2f ms   p99 %.2f ms   p99.9 %.2f ms%n",
                            ms(run, 50), ms(run, 99), ms(run, 99.9));
                    System.out.printf("  relay CPU        %.1f µs per message (user+system, whole relay process;"
                                    + " JIT compiler threads %.1f µs of it; kernel %.1f µs of it)%n",
                            cpu / 1000.0 / Math.max(1, run.received()), jit / 1000.0 / Math.max(1, run.received()),
                            sys / 1000.0 / Math.max(1, run.received()));
                    System.out.printf("  generator CPU    %.1f µs per message (this JVM, both clients of a pair)%n",
                            gen / 1000.0 / Math.max(1, run.received()));
                    printSyscalls(io0, io, run.received());
                    System.out.println();
                }
                if (only.equals("all") || only.equals("steady")) {
                    // Warm up at the paced rate too: the JIT recompiles for the light-load paths
                    // (one frame per read), and that compile time is not what a steady relay costs.
                    int warmPaced = warmUp(relay, d -> load.paced(rate, d));
                    long cpu0 = relay.cpuNanos();
                    long sys0 = relay.systemCpuNanos();
                    long jit0 = relay.compilerCpuNanos();
                    long gen0 = generatorCpuNanos();
                    long[] io0 = relay.syscalls();
                    long sleeps0 = relay.loopSleeps();
                    PairLoad.Run run = load.paced(rate, seconds);
                    long cpu = relay.cpuNanos() - cpu0;
                    long sys = relay.systemCpuNanos() - sys0;
                    long jit = relay.compilerCpuNanos() - jit0;
                    long gen = generatorCpuNanos() - gen0;
                    long[] io = relay.syscalls();
                    long sleeps = relay.loopSleeps() - sleeps0;
                    System.out.printf("steady      %,d msgs/s spread over %d pairs, %d s (after %d s of warm-up at that rate)%n",
                            rate, pairs, seconds.toSeconds(), warmPaced);
                    System.out.printf("  delivered        %,d of %,d (lost %,d, out of order %,d)%n",
                            run.received(), run.sent(), run.sent() - run.received(), run.outOfOrder());
                    System.out.printf("  latency          p50 %.2f ms   p99 %.2f ms   p99.9 %.2f ms   max %.2f ms%n",
                            ms(run, 50), ms(run, 99), ms(run, 99.9), ms(run, 100));
                    System.out.printf("  relay CPU        %.1f µs per message, %.0f %% of one core (JIT compiler threads %.1f µs"
                                    + " of it; kernel %.1f µs of it)%n",
                            cpu / 1000.0 / Math.max(1, run.received()), cpu * 100.0 / run.elapsed().toNanos(),
                            jit / 1000.0 / Math.max(1, run.received()), sys / 1000.0 / Math.max(1, run.received()));
                    System.out.printf("  generator CPU    %.1f µs per message%n", gen / 1000.0 / Math.max(1, run.received()));
                    printSyscalls(io0, io, run.received());
                    if (sleeps > 0) {
                        System.out.printf("  loop sleeps      %.2f per message (voluntary context switches of relay-loop-*)%n",
                                sleeps / (double) Math.max(1, run.received()));
                    }
                    System.out.println();
                    int burst = flags.integer("burst", 0, 20_000).orElse(0);
                    if (burst > 0) {
                        steadyDuringBurst(relay, load, rate, seconds, burst, tls);
                    }
                }
            }
        }
        if ((only.equals("all") || only.equals("idle")) && idle > 0) {
            try (RelayProcess relay = new RelayProcess(settings, relayJvm, kms, relayFlags)) {
                Thread.sleep(2000);
                long baseline = relay.rssBytes();
                long start = System.nanoTime();
                try (IdleConnections conns = new IdleConnections(relay.port(), idle, tls)) {
                    double openSeconds = (System.nanoTime() - start) / 1e9;
                    Thread.sleep(5000); // let the relay settle (GC, lazily touched memory)
                    long rss = relay.rssBytes();
                    System.out.printf("idle        %,d open connections, each answered a ping (opened in %.1f s)%n", conns.count(), openSeconds);
                    System.out.printf("  relay RSS        %,d MB   (%,d MB before; %.1f KB per connection)%n",
                            rss >> 20, baseline >> 20, (rss - baseline) / 1024.0 / conns.count());
                    // Heap the first burst of work left committed is returned after a full GC.
                    String heap = relay.fullGc();
                    Thread.sleep(2000);
                    System.out.printf("  after a full GC  %,d MB RSS; live heap %s%n", relay.rssBytes() >> 20, heap);
                    int hold = flags.integer("hold", 0, 3600).orElse(0);
                    if (hold > 0) {
                        // For inspecting the loaded relay (jcmd PID GC.class_histogram, pmap).
                        System.out.printf("  holding %d s; relay pid %d%n", hold, relay.pid());
                        Thread.sleep(hold * 1000L);
                    }
                }
            }
        }
    }

    /**
     * The steady run again while {@code burst} new connections open, starting a second into it:
     * each a TLS handshake (about a millisecond of the relay's CPU), an upgrade and a ping.
     */
    private static void steadyDuringBurst(RelayProcess relay, PairLoad load, int rate, Duration seconds, int burst,
                                          SSLContext tls) throws Exception {
        java.util.concurrent.CompletableFuture<double[]> opened = new java.util.concurrent.CompletableFuture<>();
        long cpu0 = relay.cpuNanos();
        Thread.ofPlatform().daemon().name("burst").start(() -> {
            try {
                Thread.sleep(1000);
                long t0 = System.nanoTime();
                try (IdleConnections conns = new IdleConnections(relay.port(), burst, tls)) {
                    opened.complete(new double[] {(System.nanoTime() - t0) / 1e9, conns.count()});
                }
            } catch (Exception e) {
                opened.completeExceptionally(e);
            }
        });
        PairLoad.Run run = load.paced(rate, seconds);
        long cpu = relay.cpuNanos() - cpu0;
        double[] o = opened.get(120, java.util.concurrent.TimeUnit.SECONDS);
        System.out.printf("steady during a burst: %,d new %s connections opened from 1 s into the run (in %.1f s)%n",
                (long) o[1], tls == null ? "ws" : "wss", o[0]);
        System.out.printf("  delivered        %,d of %,d (lost %,d, out of order %,d)%n",
                run.received(), run.sent(), run.sent() - run.received(), run.outOfOrder());
        System.out.printf("  latency          p50 %.2f ms   p99 %.2f ms   p99.9 %.2f ms   max %.2f ms%n",
                ms(run, 50), ms(run, 99), ms(run, 99.9), ms(run, 100));
        System.out.printf("  relay CPU        %.0f %% of one core over the run%n", cpu * 100.0 / run.elapsed().toNanos());
        System.out.println();
    }

    /** One stretch of load, for {@link #warmUp}. */
    private interface Load {
        void run(Duration duration) throws IOException;
    }

    /**
     * Runs {@code load} for 3 s, then in 1 s steps until the relay's JIT compiler threads used at
     * most 2 % of a core during a step (at most 30 more steps): on a loaded machine the compilers
     * need longer, and their work belongs to the relay's start, not to the messages measured.
     *
     * @return the seconds of warm-up
     */
    private static int warmUp(RelayProcess relay, Load load) throws IOException {
        load.run(Duration.ofSeconds(3));
        int seconds = 3;
        while (seconds < 33) {
            long jit0 = relay.compilerCpuNanos();
            load.run(Duration.ofSeconds(1));
            seconds++;
            if (relay.compilerCpuNanos() - jit0 <= 20_000_000L) {
                break;
            }
        }
        return seconds;
    }

    static void printSyscalls(long[] before, long[] after, long messages) {
        double m = Math.max(1, messages);
        System.out.printf("  relay syscalls   %.2f reads + %.2f writes per message; %.0f bytes read + %.0f written"
                        + " per message (/proc/PID/io)%n",
                (after[0] - before[0]) / m, (after[1] - before[1]) / m, (after[2] - before[2]) / m,
                (after[3] - before[3]) / m);
    }

    /** CPU time of this JVM (the load generator), user plus system. */
    static long generatorCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double ms(PairLoad.Run run, double percentile) {
        return run.latencies().percentileMicros(percentile) / 1000.0;
    }
}
