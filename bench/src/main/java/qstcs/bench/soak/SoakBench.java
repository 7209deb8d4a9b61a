package qstcs.bench.soak;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import qstcs.bench.relay.KmsForRelay;
import qstcs.bench.relay.RelayProcess;
import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench soak --minutes N}: a real KMS and relay (production configuration: TLS,
 * device tokens, {@code wss://}, the launcher's JVM options) under everything at once for N
 * minutes — chat between a few pairs (sealed frames under pair keys from the KMS), periodic
 * {@code force_attack} and {@code reset}, enroll/revoke churn and a hostile client
 * ({@link HostileClient}). Every {@code --sample-seconds} it samples RSS, open descriptors and
 * threads of both servers and the legitimate latency (key request, chat round trip), prints a row
 * and appends it to a CSV. At the end it judges each series ({@link Flatness}) and exits 1 when
 * one grew or a legitimate operation failed.
 */
public final class SoakBench {

    private static final String USAGE = """
            Usage: ./qstcs bench soak [--minutes 30] [--sample-seconds 10] [--pairs 3] [--attack-every 300]
                                      [--churn-every 15] [--flood-addresses 4] [--csv FILE]
              A real KMS and relay (TLS, tokens, wss) under chat traffic, attacks and resets, enroll/revoke
              churn and a hostile client (connection flood, worst-case frames, refused requests). Samples
              RSS, descriptors and threads of both servers and legitimate latency; exits 1 if a series
              grew (last third of the run against the first, warm-up excluded) or legitimate traffic failed.
              Default CSV: target/soak-<time>.csv""";

    /** The relay's defaults from its packaged application.yaml: production limits, no bench exceptions. */
    private static final String RELAY_SETTINGS = "app:\n  link-wait-seconds: 25\n";

    private static final Flatness.Tolerance MEMORY = new Flatness.Tolerance(0.10, 16);
    private static final Flatness.Tolerance DESCRIPTORS = new Flatness.Tolerance(0.10, 8);
    private static final Flatness.Tolerance THREADS = new Flatness.Tolerance(0.10, 4);
    private static final Flatness.Tolerance MEDIAN_LATENCY = new Flatness.Tolerance(1.0, 1);
    private static final Flatness.Tolerance TAIL_LATENCY = new Flatness.Tolerance(1.0, 5);

    private static final String CSV_HEADER = "elapsed_s,kms_rss_mib,kms_fds,kms_threads,relay_rss_mib,relay_fds,"
            + "relay_threads,key_p50_ms,key_p99_ms,key_requests,chat_p50_ms,chat_p99_ms,chat_round_trips,link,"
            + "attacks,churn_ok,flood_connections,hostile_frames,refusals,kms_state_kib,load1";

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args, Set.of("minutes", "sample-seconds", "pairs", "attack-every",
                "churn-every", "flood-addresses", "csv"), Set.of());
        if (flags.help()) {
            System.out.println(USAGE);
            return;
        }
        int minutes = flags.integer("minutes", 1, 24 * 60).orElse(30);
        int sampleSeconds = flags.integer("sample-seconds", 1, 600).orElse(10);
        int pairs = flags.integer("pairs", 1, 50).orElse(3);
        int attackEvery = flags.integer("attack-every", 10, 24 * 3600).orElse(300);
        int churnEvery = flags.integer("churn-every", 1, 3600).orElse(15);
        int floodAddresses = flags.integer("flood-addresses", 0, 200).orElse(4);
        Path csv = flags.string("csv").map(Path::of).orElse(Path.of("target", "soak-"
                + Instant.now().toString().replace(':', '-').replaceAll("\\..*", "") + ".csv"));
        // The KMS closes kept-alive connections idle for 10 s; the client lets go of them first.
        System.setProperty("jdk.httpclient.keepalive.timeout", "5");

        System.out.printf(Locale.ROOT, "Soak — %d min, a sample every %d s; %d chat pairs, an attack every %d s,"
                + " enroll/revoke every %d s, flood from %d addresses; %d cores, load average %s%n",
                minutes, sampleSeconds, pairs, attackEvery, churnEvery, floodAddresses,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        int exit;
        try (KmsForRelay kms = new KmsForRelay();
             RelayProcess relay = new RelayProcess(RELAY_SETTINGS, RelayProcess.LAUNCHER_JVM, kms)) {
            exit = soak(kms, relay, minutes, sampleSeconds, pairs, attackEvery, churnEvery, floodAddresses, csv);
        }
        System.exit(exit);
    }

    private static int soak(KmsForRelay kms, RelayProcess relay, int minutes, int sampleSeconds, int pairs,
                            int attackEvery, int churnEvery, int floodAddresses, Path csv) throws Exception {
        SoakCounters counters = new SoakCounters();
        KmsClient client = new KmsClient(kms.pinnedTls(), kms.tlsPort(), kms.plainPort());
        String operator = kms.operatorToken();
        HttpClient ws = HttpClient.newBuilder().sslContext(kms.pinnedTls()).build();
        URI relayUri = URI.create("wss://127.0.0.1:" + relay.port() + "/");
        System.out.printf(Locale.ROOT, "KMS pid %d (TLS %d, plain %d), relay pid %d (wss %d); CSV %s%n%n",
                kms.pid(), kms.tlsPort(), kms.plainPort(), relay.pid(), relay.port(), csv.toAbsolutePath());

        LatencyWindow keyLatency = new LatencyWindow();
        LatencyWindow chatLatency = new LatencyWindow();
        List<ChatDevice> devices = new ArrayList<>();
        List<ChatPair> chats = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            ChatDevice a = device("soak_a" + p, kms, client, ws, relayUri);
            ChatDevice b = device("soak_b" + p, kms, client, ws, relayUri);
            devices.add(a);
            devices.add(b);
            chats.add(new ChatPair(a, b, client, chatLatency, counters, 200));
        }
        AttackDrill drill = new AttackDrill(client, operator, counters, attackEvery * 1000L, 5000);
        EnrollmentChurn churn = new EnrollmentChurn(kms, client, operator, ws, relayUri, counters, churnEvery * 1000L);
        HostileClient hostile = new HostileClient(counters);
        List<Thread> threads = new ArrayList<>();
        chats.forEach(c -> threads.add(Thread.ofVirtual().name("chat").start(c)));
        KeyRequests keys = new KeyRequests(devices, keyLatency, counters);
        threads.add(Thread.ofVirtual().name("key-requests").start(keys));
        threads.add(Thread.ofVirtual().name("attack-drill").start(drill));
        threads.add(Thread.ofVirtual().name("churn").start(churn));
        if (floodAddresses > 0) {
            hostile.flood(new int[] {kms.tlsPort(), kms.plainPort(), relay.port()}, floodAddresses);
        }
        hostile.worstCaseFrames(ws, relayUri, "hostile_device", kms.enroll("hostile_device"));
        hostile.refusedRequests(client);

        Map<String, List<Double>> series = new LinkedHashMap<>();
        Files.createDirectories(csv.toAbsolutePath().getParent());
        boolean serversAlive = true;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            out.println(CSV_HEADER);
            System.out.println("   t s | KMS RSS MiB  fds thr | relay RSS MiB  fds thr | key p50/p99 ms    n | chat p50/p99 ms   n"
                    + " | link  | attacks churn  flood-conns hostile-frames refusals | load");
            long start = System.nanoTime();
            long end = start + minutes * 60_000_000_000L;
            for (long next = start + sampleSeconds * 1_000_000_000L; next <= end; next += sampleSeconds * 1_000_000_000L) {
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                if (!alive(kms.pid()) || !alive(relay.pid())) {
                    counters.failure("a server process died");
                    serversAlive = false;
                    break;
                }
                ServerFigures k = ServerFigures.of(kms.pid());
                ServerFigures r = ServerFigures.of(relay.pid());
                LatencyWindow.Percentiles key = keyLatency.drain();
                LatencyWindow.Percentiles chat = chatLatency.drain();
                long elapsed = Math.round((System.nanoTime() - start) / 1e9);
                String load = loadAverage().split(" ")[0];
                long stateKib = directoryBytes(kms.home().resolve("kms")) / 1024;
                System.out.printf(Locale.ROOT, "%6d | %11.0f %4d %3d | %13.0f %4d %3d | %6.2f %7.2f %4d | %6.2f %7.2f %4d"
                                + " | %-5s | %7d %5d %12d %14d %9d | %s%n",
                        elapsed, k.rssMib(), k.fileDescriptors(), k.threads(), r.rssMib(), r.fileDescriptors(), r.threads(),
                        key.p50Ms(), key.p99Ms(), key.count(), chat.p50Ms(), chat.p99Ms(), chat.count(), drill.colour(),
                        counters.attacks.sum(), counters.churnOk.sum(), counters.floodConnections.sum(),
                        counters.hostileFrames.sum(), counters.refusals.sum(), load);
                out.printf(Locale.ROOT, "%d,%.1f,%d,%d,%.1f,%d,%d,%s,%s,%d,%s,%s,%d,%s,%d,%d,%d,%d,%d,%d,%s%n",
                        elapsed, k.rssMib(), k.fileDescriptors(), k.threads(), r.rssMib(), r.fileDescriptors(), r.threads(),
                        csvNumber(key.p50Ms()), csvNumber(key.p99Ms()), key.count(), csvNumber(chat.p50Ms()),
                        csvNumber(chat.p99Ms()), chat.count(), drill.colour(), counters.attacks.sum(),
                        counters.churnOk.sum(), counters.floodConnections.sum(), counters.hostileFrames.sum(),
                        counters.refusals.sum(), stateKib, load);
                out.flush();
                add(series, "KMS RSS (MiB)", k.rssMib());
                add(series, "KMS open descriptors", k.fileDescriptors());
                add(series, "KMS threads", k.threads());
                add(series, "relay RSS (MiB)", r.rssMib());
                add(series, "relay open descriptors", r.fileDescriptors());
                add(series, "relay threads", r.threads());
                add(series, "key request p50 (ms)", key.p50Ms());
                add(series, "key request p99 (ms)", key.p99Ms());
                add(series, "chat round trip p50 (ms)", chat.p50Ms());
                add(series, "chat round trip p99 (ms)", chat.p99Ms());
            }
        } finally {
            drill.stop();
            churn.stop();
            keys.stop();
            chats.forEach(ChatPair::stop);
            hostile.close();
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                t.join(10_000);
            }
            // Not close(): it waits for every WebSocket to end, and a session cut mid-close never does.
            ws.shutdownNow();
            client.close();
        }
        return verdict(series, counters, serversAlive);
    }

    private static int verdict(Map<String, List<Double>> series, SoakCounters counters, boolean serversAlive) {
        int samples = series.isEmpty() ? 0 : series.values().iterator().next().size();
        // The first tenth of the run (at least two samples) is warm-up: JIT, heaps and pools grow to size.
        int warmUp = Math.max(2, samples / 10);
        System.out.printf(Locale.ROOT, "%nFlat? Mean of the last third against the first third of %d samples"
                + " (the first %d left out as warm-up); a series may grow by the tolerance shown.%n", samples, warmUp);
        System.out.println("| series | first third | last third | limit (tolerance) | flat |");
        System.out.println("|---|---:|---:|---|---|");
        boolean allFlat = true;
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            Flatness.Tolerance t = tolerance(e.getKey());
            Flatness f = Flatness.judge(e.getKey(), e.getValue().stream().mapToDouble(Double::doubleValue).toArray(), warmUp, t);
            allFlat &= f.flat();
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f (%s) | %s |%n", e.getKey(), f.firstMean(),
                    f.lastMean(), f.limit(), t, f.flat() ? "yes" : "NO");
        }
        System.out.printf(Locale.ROOT, "%nLegitimate traffic: %d chat round trips, %d lost outside attacks, %d cut by"
                        + " attacks, %d frames that did not open, %d other errors; enroll/revoke cycles %d ok, %d failed;"
                        + " %d attacks.%n",
                counters.roundTrips.sum(), counters.lost.sum(), counters.interrupted.sum(), counters.openFailures.sum(),
                counters.legitimateErrors.sum(), counters.churnOk.sum(), counters.churnFailed.sum(), counters.attacks.sum());
        System.out.printf(Locale.ROOT, "Hostile: %d flood connections opened (%d cut by the servers), %d worst-case"
                        + " frames, %d refused requests, %d server errors (5xx).%n",
                counters.floodConnections.sum(), counters.floodCut.sum(), counters.hostileFrames.sum(),
                counters.refusals.sum(), counters.serverErrors.sum());
        List<String> failures = counters.failures();
        failures.forEach(f -> System.out.println("  failure: " + f));
        boolean ok = allFlat && failures.isEmpty() && serversAlive;
        System.out.println(ok ? "SOAK PASSED: every series stayed flat and legitimate traffic never failed."
                : "SOAK FAILED: " + (allFlat ? "" : "a series grew; ") + (failures.isEmpty() ? "" : failures.size()
                + " failure(s) listed above"));
        return ok ? 0 : 1;
    }

    private static Flatness.Tolerance tolerance(String series) {
        if (series.contains("RSS")) {
            return MEMORY;
        } else if (series.contains("descriptors")) {
            return DESCRIPTORS;
        } else if (series.contains("threads")) {
            return THREADS;
        }
        return series.contains("p50") ? MEDIAN_LATENCY : TAIL_LATENCY;
    }

    private static ChatDevice device(String id, KmsForRelay kms, KmsClient client, HttpClient ws, URI relay) throws Exception {
        return new ChatDevice(id, kms.enroll(id), client, ws, relay);
    }

    private static void add(Map<String, List<Double>> series, String name, double value) {
        series.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    private static String csvNumber(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static long directoryBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
