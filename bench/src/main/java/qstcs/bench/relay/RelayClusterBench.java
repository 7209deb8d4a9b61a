package qstcs.bench.relay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench relay-cluster}: one relay on its own against three relays joined by a NATS
 * JetStream server, in the production configuration ({@code wss://}, device tokens checked by a
 * real KMS), every process on this machine. In the cluster every pair's two devices sit on
 * different relays. Reports throughput (closed loop) and CPU per message of the relays and of
 * the NATS server.
 */
public final class RelayClusterBench {

    private static final String SETTINGS = """
            app:
              limits:
                rate-per-second: 10000000
                rate-burst: 10000000
            """;
    private static final List<String> RELAY_JVM = List.of("-XX:+UseG1GC", "-Xmx384m");
    private static final Pattern CLIENT_PORT = Pattern.compile("nats://[^:\"]+:(\\d+)");

    private RelayClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args, Set.of("pairs", "window", "seconds"), Set.of());
        if (flags.help()) {
            System.out.println("Usage: ./qstcs bench relay-cluster [--pairs 100] [--window 8] [--seconds 10]\n"
                    + "One relay vs three relays on one NATS JetStream server (nats-server must be installed),"
                    + " wss:// with device tokens.");
            return;
        }
        int pairs = flags.integer("pairs", 1, 5000).orElse(100);
        int window = flags.integer("window", 1, 1000).orElse(8);
        Duration seconds = Duration.ofSeconds(flags.integer("seconds", 1, 600).orElse(10));
        System.out.printf("Relay cluster benchmark — %d cores; %d pairs, %d in flight each, %d s per run;"
                        + " wss:// with device tokens checked by a real KMS%n%n",
                Runtime.getRuntime().availableProcessors(), pairs, window, seconds.toSeconds());
        // A KMS per configuration: re-enrolling the same device ids on one KMS would revoke the
        // first run's devices while the second runs.
        Result one;
        try (KmsForRelay kms = new KmsForRelay();
             RelayProcess relay = new RelayProcess(SETTINGS, RELAY_JVM, kms)) {
            one = measure("one relay (no cluster)", List.of(relay), null, kms, pairs, window, seconds);
        }
        Result three;
        Path dir = Files.createTempDirectory("qstcs-nats-bench");
        Process nats = new ProcessBuilder("nats-server", "-a", "127.0.0.1", "-p", "-1", "-js", "-sd",
                dir.resolve("store").toString(), "--ports_file_dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try (KmsForRelay kms = new KmsForRelay()) {
            String url = "nats://127.0.0.1:" + natsPort(dir, nats);
            List<RelayProcess> relays = new ArrayList<>();
            try {
                for (String node : List.of("r1", "r2", "r3")) {
                    relays.add(new RelayProcess(SETTINGS, RELAY_JVM, kms, List.of("--cluster", url, "--node", node)));
                }
                three = measure("three relays (NATS JetStream)", relays, nats, kms, pairs, window, seconds);
            } finally {
                for (RelayProcess r : relays) {
                    r.close();
                }
            }
        } finally {
            nats.destroy();
            nats.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        System.out.printf("%nthree relays / one relay: throughput x%.2f, CPU per message (relays + NATS) x%.2f%n",
                three.perSecond / one.perSecond, three.cpuMicros / one.cpuMicros);
        System.exit(0);
    }

    record Result(double perSecond, double cpuMicros) {
    }

    private static Result measure(String label, List<RelayProcess> relays, Process nats, KmsForRelay kms, int pairs,
                                  int window, Duration seconds) throws Exception {
        SSLContext tls = kms.pinnedTls();
        int[] ports = relays.stream().mapToInt(RelayProcess::port).toArray();
        try (PairLoad load = new PairLoad(ports, pairs, tls, kms::enroll)) {
            load.closedLoop(window, Duration.ofSeconds(3));
            long relayCpu0 = relayCpu(relays);
            long natsCpu0 = natsCpu(nats);
            PairLoad.Run run = load.closedLoop(window, seconds);
            long relayCpu = relayCpu(relays) - relayCpu0;
            long natsCpu = natsCpu(nats) - natsCpu0;
            long n = Math.max(1, run.received());
            if (run.received() == 0) {
                for (RelayProcess r : relays) {
                    System.out.println("relay output:\n" + r.output());
                }
                throw new IllegalStateException(label + ": nothing arrived");
            }
            System.out.println(label);
            System.out.printf("  relayed          %,.0f msgs/s   (sent %,d, received %,d, out of order %,d)%n",
                    run.perSecond(), run.sent(), run.received(), run.outOfOrder());
            System.out.printf("  latency          p50 %.2f ms   p99 %.2f ms%n",
                    run.latencies().percentileMicros(50) / 1000.0, run.latencies().percentileMicros(99) / 1000.0);
            System.out.printf("  relay CPU        %.1f µs per message (all relay processes)%n", relayCpu / 1000.0 / n);
            if (nats != null) {
                System.out.printf("  nats-server CPU  %.1f µs per message%n", natsCpu / 1000.0 / n);
            }
            return new Result(run.perSecond(), (relayCpu + natsCpu) / 1000.0 / n);
        }
    }

    private static long relayCpu(List<RelayProcess> relays) throws Exception {
        long sum = 0;
        for (RelayProcess r : relays) {
            sum += r.cpuNanos();
        }
        return sum;
    }

    private static long natsCpu(Process nats) {
        return nats == null ? 0 : nats.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static int natsPort(Path dir, Process nats) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && nats.isAlive()) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".ports")).toList()) {
                    Matcher m = CLIENT_PORT.matcher(Files.readString(f));
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
            }
            nats.waitFor(20, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("nats-server did not start (is it installed? apt-get install nats-server): "
                + Files.readString(dir.resolve("log")));
    }
}
