package qstcs.bench.soak;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;

import qstcs.bench.relay.KmsForRelay;
import qstcs.bench.relay.PairLoad;
import qstcs.bench.relay.RelayProcess;
import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench hostile}: the hostile-load figures at full size, against a real KMS and relay
 * in the production configuration (TLS, tokens, {@code wss}, the launcher's JVM options).
 * <ol>
 *   <li>{@code idle}: idle connections each listener holds (KMS TLS, KMS plain, relay
 *       {@code wss}), from one source address and from many (200 per address), and the server's
 *       RSS and descriptors at the peak;</li>
 *   <li>{@code flood}: legitimate {@code GET /link_status} (new connection per request, and one
 *       kept-alive connection) before and during a flood of bare connections (default 5,000) from
 *       one address and from many, on the KMS's TLS and plain listeners;</li>
 *   <li>{@code frames}: legitimate relay traffic (paced chat between registered pairs) alone, then
 *       while two anonymous clients and then two enrolled devices send worst-case frames as fast as
 *       the relay answers them.</li>
 * </ol>
 * Per-address limits (32 unfinished, 256 established connections) make one address's flood end
 * early, so the full sizes come from many loopback addresses (127.0.0.2, …) with bound sockets.
 */
public final class HostileBench {

    private static final String USAGE = """
            Usage: ./qstcs bench hostile [--only idle|flood|frames] [--idle 19000] [--flood 5000] [--seconds 10]
                                         [--relay-jvm "OPTIONS"]
              idle:   idle connections held per listener (KMS TLS, KMS plain, relay wss), one address and many,
                      with the server's RSS and descriptors at the peak (--idle: the most tried per listener;
                      at most ~19,000 under this machine's 20,000 descriptor limit)
              flood:  legitimate GET /link_status p50/p99 before and during --flood bare connections
              frames: relay p99 of paced chat alone and while two hostile clients send worst-case frames
              --relay-jvm: the relay's JVM options instead of the launcher's (e.g. "-XX:+UseG1GC -Xmx768m")""";

    private static final String RELAY_SETTINGS = "app:\n  link-wait-seconds: 25\n";
    /** Connections per source address in the distributed runs: under the per-address limit. */
    private static final int DISTRIBUTED_PER_ADDRESS = 200;

    /** The relay's JVM options: the launcher's unless {@code --relay-jvm} says otherwise. */
    private static List<String> relayJvm = RelayProcess.LAUNCHER_JVM;

    private HostileBench() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args, Set.of("only", "idle", "flood", "seconds", "relay-jvm"),
                Set.of());
        if (flags.help()) {
            System.out.println(USAGE);
            return;
        }
        String only = flags.string("only").orElse("all");
        int idle = flags.integer("idle", 1, 60_000).orElse(19_000);
        int flood = flags.integer("flood", 1, 60_000).orElse(5_000);
        int seconds = flags.integer("seconds", 1, 600).orElse(10);
        relayJvm = flags.string("relay-jvm").map(o -> List.of(o.trim().split("\\s+"))).orElse(RelayProcess.LAUNCHER_JVM);
        System.setProperty("jdk.httpclient.keepalive.timeout", "5");
        System.out.printf(Locale.ROOT, "Hostile load — %d cores, load average %s at start%n",
                Runtime.getRuntime().availableProcessors(), SoakBench.loadAverage());
        if (only.equals("all") || only.equals("idle")) {
            idle(idle);
        }
        if (only.equals("all") || only.equals("flood")) {
            flood(flood, seconds);
        }
        if (only.equals("all") || only.equals("frames")) {
            frames(seconds);
        }
        System.out.printf(Locale.ROOT, "%nload average at end: %s%n", SoakBench.loadAverage());
        System.exit(0);
    }

    // --- idle connections ----------------------------------------------------------------------

    private static void idle(int most) throws Exception {
        System.out.println("\nIdle connections held per listener (TLS handshake and one request, then silent;"
                + " on the KMS a request every 5 s keeps them within its 10 s idle limit)");
        System.out.println("| listener | sources | tried | served | failed | held at peak | server RSS before → peak MiB"
                + " | server live heap before → held MiB (KiB per connection) | server descriptors before → peak"
                + " | serves a new client after |");
        System.out.println("|---|---|---:|---:|---:|---:|---|---|---|---|");
        try (KmsForRelay kms = new KmsForRelay()) {
            SSLContext tls = kms.pinnedTls();
            System.out.printf(Locale.ROOT, "(the KMS holds at most %,d connections per listener)%n", kms.connectionCap());
            int kmsMost = Math.min(most, kms.connectionCap() * 2);
            idleRun("KMS TLS", kms.pid(), kms.tlsPort(), tls, HeldConnections.Kind.KMS_REQUEST, 1, 1000);
            idleRun("KMS TLS", kms.pid(), kms.tlsPort(), tls, HeldConnections.Kind.KMS_REQUEST, -1, kmsMost);
            idleRun("KMS plain", kms.pid(), kms.plainPort(), null, HeldConnections.Kind.KMS_REQUEST, 1, 1000);
            idleRun("KMS plain", kms.pid(), kms.plainPort(), null, HeldConnections.Kind.KMS_REQUEST, -1, kmsMost);
            System.out.println("(relay JVM: " + String.join(" ", relayJvm) + ")");
            try (RelayProcess relay = new RelayProcess(RELAY_SETTINGS, relayJvm, kms)) {
                System.out.println("(the relay: " + relayCap(relay) + ")");
                idleRun("relay wss", relay.pid(), relay.port(), tls, HeldConnections.Kind.RELAY_SESSION, 1, 1000);
                idleRun("relay wss", relay.pid(), relay.port(), tls, HeldConnections.Kind.RELAY_SESSION, -1, most);
            }
        }
    }

    /** The relay banner's line on its connection cap (printed just after its listeners). */
    private static String relayCap(RelayProcess relay) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            for (String line : relay.output().split("\n")) {
                if (line.contains("connections: at most")) {
                    return line.strip();
                }
            }
            Thread.sleep(100);
        }
        return "its banner names no connection cap";
    }

    /** {@code sources} 1: one address (127.0.0.2); -1: as many as needed at 200 each. */
    private static void idleRun(String listener, long pid, int port, SSLContext tls, HeldConnections.Kind kind,
                                int sources, int tried) throws Exception {
        Thread.sleep(3000);
        ServerFigures before = ServerFigures.of(pid);
        long heapBefore = liveHeap(pid);
        int addresses = sources > 0 ? sources : (tried + DISTRIBUTED_PER_ADDRESS - 1) / DISTRIBUTED_PER_ADDRESS;
        List<InetAddress> from = new ArrayList<>();
        for (int a = 0; a < addresses; a++) {
            from.add(InetAddress.getByName(HostileClient.loopback(2 + a)));
        }
        PeakSampler peak = new PeakSampler(pid);
        HeldConnections held = new HeldConnections(kind, port, tls, from, tried, 3000);
        Thread.sleep(1000);
        int heldNow = held.open();
        long heapHeld = liveHeap(pid);
        ServerFigures top = peak.stop();
        int heldAtPeak = held.peak();
        held.close();
        Thread.sleep(2000);
        HeldConnections fresh = new HeldConnections(kind, port, tls, List.of(InetAddress.getByName("127.0.0.1")), 1, 5000);
        boolean serves = fresh.served() == 1;
        fresh.close();
        System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %.0f → %.0f | %.1f → %.1f (%s) | %d → %d | %s |%n",
                listener, addresses == 1 ? "one (127.0.0.2)" : addresses + " addresses", tried, held.served(), held.failed(),
                heldAtPeak, before.rssMib(), top.rssMib(), heapBefore / MIB, heapHeld / MIB,
                heldNow > 0 ? String.format(Locale.ROOT, "%.1f", (heapHeld - heapBefore) / 1024.0 / heldNow) : "-",
                before.fileDescriptors(), top.fileDescriptors(), serves ? "yes" : "NO");
    }

    private static final double MIB = 1024.0 * 1024.0;

    /**
     * Bytes of live objects in the server {@code pid} ({@code jcmd GC.class_histogram} collects
     * fully first; the filler arrays a collector leaves in dead space are not counted), or -1.
     */
    static long liveHeap(long pid) throws Exception {
        try {
            return qstcs.server.http.LiveHeap.of(pid);
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** The server's largest RSS and descriptor count, sampled every 250 ms until {@link #stop}. */
    private static final class PeakSampler {
        private final AtomicReference<ServerFigures> top = new AtomicReference<>(new ServerFigures(0, 0, 0));
        private final Thread thread;
        private volatile boolean running = true;

        PeakSampler(long pid) {
            thread = Thread.ofVirtual().start(() -> {
                while (running) {
                    try {
                        ServerFigures f = ServerFigures.of(pid);
                        top.accumulateAndGet(f, (a, b) -> new ServerFigures(Math.max(a.rssMib(), b.rssMib()),
                                Math.max(a.fileDescriptors(), b.fileDescriptors()), Math.max(a.threads(), b.threads())));
                        Thread.sleep(250);
                    } catch (Exception e) {
                        return; // the server is gone
                    }
                }
            });
        }

        ServerFigures stop() throws InterruptedException {
            running = false;
            thread.join();
            return top.get();
        }
    }

    // --- flood ---------------------------------------------------------------------------------

    private static void flood(int size, int seconds) throws Exception {
        System.out.printf(Locale.ROOT, "%nGET /link_status from 127.0.0.1 during a flood of %,d bare connections"
                + " (%d s each; new connection per request: 4 readers, 20 a second each; kept-alive: one reader, every 10 ms)%n",
                size, seconds);
        System.out.println("| listener | flood | flood connections connected | server descriptors |"
                + " new connection p50 / p99 / max ms (answered, failed) | kept-alive p50 / p99 / max ms (answered, failed) |");
        System.out.println("|---|---|---:|---:|---|---|");
        try (KmsForRelay kms = new KmsForRelay()) {
            for (boolean secure : new boolean[] {true, false}) {
                int port = secure ? kms.tlsPort() : kms.plainPort();
                String listener = secure ? "KMS TLS" : "KMS plain";
                SSLContext tls = secure ? kms.pinnedTls() : null;
                new LinkStatusProbe(port, tls).run(8000, 4); // warm-up: the JIT compiles both sides
                floodRun(kms.pid(), listener, port, tls, "none", 0, 0, seconds);
                floodRun(kms.pid(), listener, port, tls, "one address", 1, size, seconds);
                int addresses = (size + HostileClient.PENDING_PER_ADDRESS - 1) / HostileClient.PENDING_PER_ADDRESS;
                floodRun(kms.pid(), listener, port, tls, addresses + " addresses", addresses,
                        HostileClient.PENDING_PER_ADDRESS, seconds);
            }
        }
    }

    private static void floodRun(long pid, String listener, int port, SSLContext tls, String what, int addresses,
                                 int perAddress, int seconds) throws Exception {
        SoakCounters counters = new SoakCounters();
        LinkStatusProbe probe = new LinkStatusProbe(port, tls); // its kept-alive client connects before the flood
        try (HostileClient hostile = new HostileClient(counters)) {
            if (addresses > 0) {
                hostile.flood(new int[] {port}, addresses, perAddress, 200);
                Thread.sleep(3000); // the flood builds up (2,000 connections a second)
            }
            PeakSampler peak = new PeakSampler(pid);
            LinkStatusProbe.Figures[] f = probe.run(seconds * 1000L, 4);
            ServerFigures top = peak.stop();
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %s | %s |%n", listener, what, hostile.floodConnected(),
                    top.fileDescriptors(), figures(f[0]), figures(f[1]));
        }
        Thread.sleep(12_000); // the KMS cuts what the flood left within its 10 s header deadline
    }

    private static String figures(LinkStatusProbe.Figures f) {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.0f (%,d, %,d)", f.p50Ms(), f.p99Ms(), f.maxMs(), f.answered(),
                f.failed());
    }

    // --- worst-case frames -------------------------------------------------------------------

    private static void frames(int seconds) throws Exception {
        int rate = 1000;
        int pairs = 10;
        System.out.printf(Locale.ROOT, "%nRelay latency of legitimate chat (%d pairs, %,d frames/s paced, %d s) with"
                + " hostile clients sending worst-case frames as fast as the relay answers%n", pairs, rate, seconds);
        System.out.println("| hostile clients | p50 ms | p99 ms | p99.9 ms | max ms | lost | hostile frames answered/s"
                + " (answers) | relay CPU (% of a core) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|---:|");
        try (KmsForRelay kms = new KmsForRelay();
             RelayProcess relay = new RelayProcess(RELAY_SETTINGS, relayJvm, kms);
             PairLoad load = new PairLoad(relay.port(), pairs, kms.pinnedTls(), kms::enroll)) {
            HttpClient ws = HttpClient.newBuilder().sslContext(kms.pinnedTls()).build();
            URI uri = URI.create("wss://127.0.0.1:" + relay.port() + "/");
            load.paced(rate, Duration.ofSeconds(5)); // warm-up
            framesRun(load, relay, rate, seconds, "none", List.of());
            String anonymous = WorstCaseFrames.collidingKeys(4_000);
            framesRun(load, relay, rate, seconds, "two anonymous sessions, 4 KB frames of keys sharing one hash",
                    List.of(new WorstCaseSender(ws, uri, anonymous, null), new WorstCaseSender(ws, uri, anonymous, null)));
            String registered = WorstCaseFrames.collidingKeys(64_000);
            List<WorstCaseSender> devices = new ArrayList<>();
            for (int d = 0; d < 2; d++) {
                String id = "hostile_" + d;
                devices.add(new WorstCaseSender(ws, uri, registered, "{\"type\":\"register\",\"device_id\":\"" + id
                        + "\",\"token\":\"" + kms.enroll(id) + "\"}"));
            }
            framesRun(load, relay, rate, seconds, "two enrolled devices, 64 KB frames of 2,048 keys sharing one hash", devices);
            ws.shutdownNow();
        }
    }

    private static void framesRun(PairLoad load, RelayProcess relay, int rate, int seconds, String what,
                                  List<WorstCaseSender> hostile) throws Exception {
        try {
            if (!hostile.isEmpty()) {
                Thread.sleep(2000); // the hostile clients connect and reach their pace
            }
            long answered0 = hostile.stream().mapToLong(WorstCaseSender::answered).sum();
            long cpu0 = relay.cpuNanos();
            long t0 = System.nanoTime();
            PairLoad.Run run = load.paced(rate, Duration.ofSeconds(seconds));
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long cpu = relay.cpuNanos() - cpu0;
            long answered = hostile.stream().mapToLong(WorstCaseSender::answered).sum() - answered0;
            java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
            hostile.forEach(h -> h.answers().forEach((k, v) -> kinds.merge(k, v, Long::sum)));
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %,d | %,.0f %s | %.0f |%n", what,
                    run.latencies().percentileMicros(50) / 1000, run.latencies().percentileMicros(99) / 1000,
                    run.latencies().percentileMicros(99.9) / 1000, run.latencies().percentileMicros(100) / 1000,
                    run.sent() - run.received(), answered / elapsed, kinds.isEmpty() ? "" : kinds, cpu / 1e7 / elapsed);
        } finally {
            for (WorstCaseSender s : hostile) {
                s.close();
            }
        }
    }
}
