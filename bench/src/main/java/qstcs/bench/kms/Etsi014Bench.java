package qstcs.bench.kms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import qstcs.crypto.tls.SaeCredentials;
import qstcs.server.pki.IssueCertCommand;

/**
 * {@code ./qstcs bench etsi014 [--seconds 10] [--pairs 8] [--warmup 10] [--qubits 1048576] [--round-ms 100]}:
 * ETSI GS QKD 014 key pairs per second over mutual TLS. Starts the real KMS as a child process
 * (the launcher's KMS JVM options, a link of 2^20 qubits per round and a pool cap of 128 Mbit),
 * waits until the pool holds enough key for the whole run at 6,000 pairs/s (so the measurement
 * is the API's, not the simulated link's key rate), measures the link's own CPU while idle, issues 2 × P SAE certificates with the real {@code issue-cert} command, and
 * runs P chains on 2 × P keep-alive TLS connections from one selector thread ({@link ClosedLoopLoad}):
 * master SAE {@code GET enc_keys} (one 256-bit key), then its slave {@code GET dec_keys?key_ID=}
 * with the id just returned, then the master again. A pair is both requests; its latency is the
 * sum of theirs. Warm-up: at least {@code --warmup} seconds, then 2 s steps until both JVMs' JIT
 * compilers are nearly idle (at most 40 s), as in {@link KmsBench}.
 */
public final class Etsi014Bench {
    private static final Pattern KEY_ID = Pattern.compile("\"key_ID\":\"([0-9a-f-]{36})\"");
    private static final Pattern POOL = Pattern.compile("\"pool_bits\":(\\d+)");
    private static final long POOL_CAP = 128L << 20;
    private static final String POOL_CAP_BITS = Long.toString(POOL_CAP);
    /** Warm-up ends when both JITs are nearly idle ({@link KmsBench#WARM_JIT_BUSY}) or after this long. */
    private static final int MAX_WARMUP_SECONDS = 40;

    private Etsi014Bench() {
    }

    public static void main(String[] args) throws Exception {
        KmsBench.checkFlags(args, "Usage: ./qstcs bench etsi014 [--seconds 10] [--pairs 8] [--warmup 10]"
                + " [--qubits 1048576] [--round-ms 100]\n"
                + "Server JVM options: the launcher's KMS_JVM_OPTS, plus QSTCS_BENCH_SERVER_OPTS (docs/BENCHMARKS.md).",
                "--seconds", "--pairs", "--warmup", "--qubits", "--round-ms");
        int seconds = KmsBench.intFlag(args, "--seconds", 10);
        int pairs = KmsBench.intFlag(args, "--pairs", 8);
        int warmup = KmsBench.intFlag(args, "--warmup", 10);
        String qubits = Integer.toString(KmsBench.intFlag(args, "--qubits", 1 << 20));
        String roundMs = Integer.toString(KmsBench.intFlag(args, "--round-ms", 100));
        Path home = Files.createTempDirectory("qstcs-etsi014-bench");
        Path certs = Files.createTempDirectory("qstcs-etsi014-bench-certs");
        String jvm = KmsBench.serverJvmOptions() + " -Dapp.pool-cap-bits=" + POOL_CAP_BITS;
        Process server = KmsBench.startServer(home, jvm, System.getProperty("java.class.path"),
                List.of("--qubits", qubits, "--round-ms", roundMs, "--kme-id", "KME_Bench"));
        try {
            int[] ports = KmsBench.awaitPorts(server);
            long pid = server.pid();
            SSLContext[] contexts = new SSLContext[2 * pairs];
            for (int c = 0; c < contexts.length; c++) {
                contexts[c] = issue(home, certs, sae(c)).sslContext();
            }
            System.out.printf(Locale.ROOT, "ETSI 014 bench: server pid %d on 127.0.0.1:%d, %d master/slave pairs (%d"
                    + " connections), %d s measured; link %s qubits every %s ms, pool cap %s bits%n",
                    pid, ports[1], pairs, 2 * pairs, seconds, qubits, roundMs, POOL_CAP_BITS);
            System.out.println("server JVM options: " + jvm.trim());
            System.out.printf(Locale.ROOT, "machine: %d cores, load average %s%n",
                    Runtime.getRuntime().availableProcessors(), KmsBench.loadAverage());
            long need = 256L * 6_000 * (seconds + MAX_WARMUP_SECONDS);
            long filled = awaitPool(ports[0], Math.min(need, POOL_CAP * 3 / 4));
            double linkCpuPerSecond = KmsBench.idleCpu(pid, 3);
            System.out.printf(Locale.ROOT, "pool before the load: %,d bits; the link's own CPU: %.0f %% of one core%n",
                    filled, linkCpuPerSecond * 100);

            ClosedLoopLoad.Chain chain = new PairChain();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", ports[1]);
            byte[][] requests = new byte[2 * pairs][];
            for (int p = 0; p < pairs; p++) {
                requests[2 * p] = ("GET /api/v1/keys/" + sae(2 * p + 1) + "/enc_keys HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            JitActivity serverJit = JitActivity.of(pid);
            JitActivity selfJit = JitActivity.of(ProcessHandle.current().pid());
            serverJit.busySinceLastCall();
            selfJit.busySinceLastCall();
            long warmStart = System.nanoTime();
            StringBuilder trace = new StringBuilder();
            int step = Math.max(1, warmup);
            while (true) {
                Phase warm = phase(address, contexts, chain, requests, step, pid);
                java.util.OptionalDouble s = serverJit.busySinceLastCall();
                java.util.OptionalDouble c = selfJit.busySinceLastCall();
                double elapsed = (System.nanoTime() - warmStart) / 1e9;
                trace.append(String.format(Locale.ROOT, " [%.0f s: %,.0f pairs/s, JIT server %s generator %s]", elapsed,
                        warm.pairs / warm.seconds, busy(s), busy(c)));
                boolean calm = (s.isEmpty() || s.getAsDouble() < KmsBench.WARM_JIT_BUSY)
                        && (c.isEmpty() || c.getAsDouble() < KmsBench.WARM_JIT_BUSY);
                if ((elapsed >= warmup && calm) || elapsed >= MAX_WARMUP_SECONDS) {
                    System.out.printf(Locale.ROOT, "warm-up: %.0f s%s%s%n", elapsed, calm ? "" : " (JIT still busy at the cap)", trace);
                    break;
                }
                step = 2;
            }
            Phase run = phase(address, contexts, chain, requests, seconds, pid);
            String jit = "server " + busy(serverJit.busySinceLastCall()) + ", generator " + busy(selfJit.busySinceLastCall());

            System.out.println();
            System.out.println("| measure | pairs/s | pair p50 ms | pair p99 ms | pair max ms | enc_keys p99 ms"
                    + " | dec_keys p99 ms | errors | server CPU µs/pair (without the link) | generator CPU µs/pair |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| GET enc_keys + GET dec_keys (mTLS) | %,.0f | %.2f | %.2f | %.1f | %.2f | %.2f | %d | %.0f | %.0f |%n",
                    run.pairs / run.seconds, pct(run.pairLatencies, 0.50), pct(run.pairLatencies, 0.99),
                    pct(run.pairLatencies, 1.0), pct(run.encLatencies, 0.99), pct(run.decLatencies, 0.99), run.errors,
                    Math.max(0, run.serverCpu - linkCpuPerSecond * run.seconds) / run.pairs * 1e6,
                    run.clientCpu / run.pairs * 1e6);
            System.out.println();
            System.out.println("pairs per second, second by second: " + Arrays.stream(run.perSecond)
                    .mapToObj(n -> String.format(Locale.ROOT, "%,d", n / 2)).collect(java.util.stream.Collectors.joining(" ")));
            System.out.println("JIT compiling during the measured phase (1 core = 100 %): " + jit);
            System.out.printf(Locale.ROOT, "pool after: %,d bits; server memory: RSS %s, peak %s%n", poolBits(ports[0]),
                    KmsBench.procStatus(pid, "VmRSS"), KmsBench.procStatus(pid, "VmHWM"));
            System.out.printf(Locale.ROOT, "load average after: %s%n", KmsBench.loadAverage());
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Connection 2p is master SAE p, 2p+1 its slave. */
    private static String sae(int connection) {
        return (connection % 2 == 0 ? "Master_" : "Slave_") + connection / 2;
    }

    /** enc_keys on the master, then dec_keys with the returned key_ID on its slave. */
    private static final class PairChain implements ClosedLoopLoad.Chain {
        @Override
        public ClosedLoopLoad.Step after(int connection, int status, ByteBuffer reply) {
            if (connection % 2 == 1 || status != 200) {
                return null;
            }
            Matcher m = KEY_ID.matcher(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
            if (!m.find()) {
                return null;
            }
            return new ClosedLoopLoad.Step(connection + 1, ("GET /api/v1/keys/" + sae(connection) + "/dec_keys?key_ID="
                    + m.group(1) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public int head(int connection) {
            return connection - connection % 2;
        }
    }

    private record Phase(long pairs, long errors, double seconds, long[] pairLatencies, long[] encLatencies,
                         long[] decLatencies, double serverCpu, double clientCpu, long[] perSecond) {
    }

    private static Phase phase(InetSocketAddress address, SSLContext[] contexts, ClosedLoopLoad.Chain chain,
                               byte[][] requests, int seconds, long pid) throws Exception {
        long self = ProcessHandle.current().pid();
        long[] marks = new long[3];
        ClosedLoopLoad.Outcome o = new ClosedLoopLoad(address, c -> contexts[c], chain).run(requests, () -> {
            try {
                marks[1] = KmsBench.cpuTicks(pid);
                marks[2] = KmsBench.cpuTicks(self);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            marks[0] = System.nanoTime();
            return marks[0] + TimeUnit.SECONDS.toNanos(seconds);
        });
        double elapsed = (System.nanoTime() - marks[0]) / 1e9;
        double serverCpu = (KmsBench.cpuTicks(pid) - marks[1]) / 100.0;
        double clientCpu = (KmsBench.cpuTicks(self) - marks[2]) / 100.0;
        List<Long> pairs = new ArrayList<>();
        List<Long> enc = new ArrayList<>();
        List<Long> dec = new ArrayList<>();
        for (int p = 0; 2 * p + 1 < o.latencies().length; p++) {
            long[] m = o.latencies()[2 * p];
            long[] s = o.latencies()[2 * p + 1];
            for (long l : m) {
                enc.add(l);
            }
            for (long l : s) {
                dec.add(l);
            }
            for (int i = 0; i < Math.min(m.length, s.length); i++) {
                pairs.add(m[i] + s[i]);
            }
        }
        long errors = Arrays.stream(o.errors()).sum();
        return new Phase(pairs.size(), errors, elapsed, sorted(pairs), sorted(enc), sorted(dec), serverCpu, clientCpu,
                o.perSecond());
    }

    private static long[] sorted(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static String busy(java.util.OptionalDouble d) {
        return d.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f %%", d.getAsDouble() * 100);
    }

    private static SaeCredentials issue(Path home, Path dir, String id) throws IOException {
        Path pem = dir.resolve(id + ".pem");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = IssueCertCommand.run(new String[]{"--for", "sae", "--id", id, "--out", pem.toString(), "--home",
                home.toString()}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        if (rc != 0) {
            throw new IOException("issue-cert failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return SaeCredentials.read(pem, home.resolve("kms").resolve("ca.crt"));
    }

    /** Waits (at most 120 s) until the pool holds {@code bits}; returns what it holds. */
    private static long awaitPool(int port, long bits) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long now;
        while ((now = poolBits(port)) < bits && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return now;
    }

    private static long poolBits(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/link_status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = POOL.matcher(body);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }
}
