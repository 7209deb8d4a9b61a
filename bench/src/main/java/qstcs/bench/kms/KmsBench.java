package qstcs.bench.kms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./qstcs bench kms [--seconds 10] [--connections 16] [--warmup 5] [--only key|status]}
 * ({@code --warmup}: the least warm-up per route; it goes on until the JIT compilers are nearly idle):
 * starts the real KMS ({@code qstcs.kms.Main --provision-demo}, default link settings, the JVM
 * options the launcher's kms command uses) as a child process on loopback, then drives it with N
 * keep-alive connections, each a closed loop (send, read the whole reply, repeat), all from one
 * selector thread ({@link ClosedLoopLoad}):
 * <ol>
 *   <li>key issuance: {@code POST /get_session_key} over TLS (the KMS's CA pinned) with the device
 *       tokens of Soldier_Alpha and Soldier_Bravo, alternating per connection, each naming the
 *       other as peer: after the first draw every request returns the pair's current key, as in
 *       a chat;</li>
 *   <li>{@code GET /link_status} over TLS, as the chat clients poll it ({@code --status-listener
 *       plain} measures the plain port the router guard uses instead).</li>
 * </ol>
 * Server CPU comes from {@code /proc/<pid>/stat} (the link loop's idle CPU, measured first, is
 * subtracted), the load generator's from {@code /proc/self/stat}, memory from
 * {@code /proc/<pid>/status}.
 */
public final class KmsBench {
    private static final Pattern PORT = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TLS_PORT = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern TOKEN = Pattern.compile("\"device_token\"\\s*:\\s*\"([0-9a-f]+)\"");
    private static final String[] DEVICES = {"Soldier_Alpha", "Soldier_Bravo"};
    private static final long CLK_TCK = 100; // Linux USER_HZ

    private KmsBench() {
    }

    /** One phase's numbers. */
    record Result(String name, long requests, long errors, double seconds, double p50Ms, double p99Ms,
                  double maxMs, double serverCpuSeconds, double clientCpuSeconds, long minPerConnection,
                  long maxPerConnection, long[] repliesPerSecond) {
        double perSecond() {
            return requests / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        checkFlags(args, "Usage: ./qstcs bench kms [--seconds 10] [--connections 16] [--warmup 5] [--only key|status]"
                + " [--status-listener tls|plain]\n"
                + "Server JVM options: the launcher's KMS_JVM_OPTS, plus QSTCS_BENCH_SERVER_OPTS (docs/BENCHMARKS.md, KMS).",
                "--seconds", "--connections", "--warmup", "--only", "--status-listener");
        int seconds = intFlag(args, "--seconds", 10);
        int connections = intFlag(args, "--connections", 16);
        int warmup = intFlag(args, "--warmup", 5);
        Path home = Files.createTempDirectory("qstcs-kms-bench");
        Process server = startServer(home);
        try {
            int[] ports = awaitPorts(server);
            int port = ports[0];
            long pid = server.pid();
            // Key routes need TLS (pinned to the KMS's own CA) and a device token: the two soldiers
            // that --provision-demo enrolls take turns, one per connection.
            SSLContext tls = PinnedCaTrust.of(CaFingerprint.of(caCertificate(home))).sslContext();
            String[] tokens = deviceTokens(home);
            RequestFor keyRequest = c -> keyRequest(c, tokens);
            Endpoint secure = new Endpoint(ports[1], tls);
            String statusListener = stringFlag(args, "--status-listener", "tls");
            if (!statusListener.equals("tls") && !statusListener.equals("plain")) {
                throw new IllegalArgumentException("--status-listener is tls or plain, was " + statusListener);
            }
            Endpoint statusEndpoint = statusListener.equals("plain") ? new Endpoint(port, null) : secure;
            System.out.printf(Locale.ROOT, "KMS bench: server pid %d on 127.0.0.1:%d, %d connections, %d s per phase%n",
                    pid, port, connections, seconds);
            System.out.println("server JVM options: " + serverJvmOptions());
            System.out.printf(Locale.ROOT, "machine: %d cores, load average %s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage());

            // --only key|status runs one phase (for profiling one route); default both.
            String only = stringFlag(args, "--only", "");
            boolean keys = !only.equals("status");
            boolean status = !only.equals("key");
            // Warm-up of both paths: at least --warmup seconds, then until both JVMs' JIT compilers are
            // nearly idle (see JitActivity; on 2 cores they compile for 20-40 s of load).
            // Twice over: the routes share Helidon's code, and the second route's profile makes the
            // JIT recompile some of what the first route compiled.
            for (int pass = 0; pass < 2; pass++) {
                int least = pass == 0 ? warmup : Math.min(warmup, 2);
                // The second pass is capped short, so a whole run stays well under 90 s of exclusive lock.
                if (keys) {
                    warmUp("key route", secure, connections, least, pass == 0 ? MAX_KEY_WARMUP_SECONDS : 10, keyRequest, pid);
                }
                if (status) {
                    warmUp("status route", statusEndpoint, connections, least, pass == 0 ? MAX_STATUS_WARMUP_SECONDS : 6,
                            c -> STATUS_REQUEST, pid);
                }
                if (!keys || !status) {
                    break;
                }
            }

            double idleCpuPerSecond = idleCpu(pid, 3);
            List<Result> results = new ArrayList<>();
            JitActivity serverJit = JitActivity.of(pid);
            JitActivity selfJit = JitActivity.of(ProcessHandle.current().pid());
            List<String> jitDuring = new ArrayList<>();
            if (keys) {
                serverJit.busySinceLastCall();
                selfJit.busySinceLastCall();
                results.add(run(secure, connections, seconds, keyRequest, pid).named("POST /get_session_key (TLS, token)"));
                jitDuring.add("key route: server " + busy(serverJit.busySinceLastCall()) + ", generator " + busy(selfJit.busySinceLastCall()));
            }
            if (status) {
                serverJit.busySinceLastCall();
                selfJit.busySinceLastCall();
                results.add(run(statusEndpoint, connections, seconds, c -> STATUS_REQUEST, pid)
                        .named(statusListener.equals("plain") ? "GET /link_status (plain port)" : "GET /link_status (TLS)"));
                jitDuring.add("status route: server " + busy(serverJit.busySinceLastCall()) + ", generator " + busy(selfJit.busySinceLastCall()));
            }

            System.out.println();
            System.out.println("| route | req/s | p50 ms | p99 ms | max ms | errors | server CPU µs/req"
                    + " | load generator CPU µs/req | requests per connection (min–max) |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Result r : results) {
                double busyCpu = Math.max(0, r.serverCpuSeconds() - idleCpuPerSecond * r.seconds());
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.1f | %d | %.1f | %.1f | %,d–%,d |%n",
                        r.name(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.errors(),
                        busyCpu / r.requests() * 1e6, r.clientCpuSeconds() / r.requests() * 1e6,
                        r.minPerConnection(), r.maxPerConnection());
            }
            System.out.println();
            for (Result r : results) {
                // A rising series means the server was still warming up (JIT) during the phase.
                System.out.printf(Locale.ROOT, "%s, replies per second: %s%n", r.name(), Arrays.stream(r.repliesPerSecond())
                        .mapToObj(n -> String.format(Locale.ROOT, "%,d", n)).collect(java.util.stream.Collectors.joining(" ")));
            }
            System.out.println("JIT compiling during the measured phases (1 core = 100 %): " + String.join("; ", jitDuring));
            System.out.printf(Locale.ROOT, "server idle CPU (link loop, 65,536 qubits every 500 ms): %.1f %% of one core%n",
                    idleCpuPerSecond * 100);
            System.out.printf(Locale.ROOT, "server memory: RSS %s, peak %s%n", procStatus(pid, "VmRSS"), procStatus(pid, "VmHWM"));
            System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        } finally {
            server.destroy(); // SIGTERM: the KMS stops cleanly
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** JIT compile time per second (1.0 = one compiler thread busy) below which a JVM counts as warm. */
    static final double WARM_JIT_BUSY = 0.15;
    private static final int MAX_KEY_WARMUP_SECONDS = 35;
    private static final int MAX_STATUS_WARMUP_SECONDS = 12;

    /**
     * Loads {@code endpoint} for at least {@code minSeconds}, then in 2 s steps until the server's
     * and this JVM's JIT compilers were busy less than {@link #WARM_JIT_BUSY} in the last step
     * (or {@code maxSeconds} passed); prints how long that took and the compilers' activity.
     */
    static void warmUp(String what, Endpoint endpoint, int connections, int minSeconds, int maxSeconds,
                       RequestFor requestFor, long pid) throws Exception {
        JitActivity server = JitActivity.of(pid);
        JitActivity self = JitActivity.of(ProcessHandle.current().pid());
        server.busySinceLastCall();
        self.busySinceLastCall();
        long start = System.nanoTime();
        StringBuilder trace = new StringBuilder();
        int step = Math.max(1, minSeconds);
        while (true) {
            Raw r = run(endpoint, connections, step, requestFor, pid);
            java.util.OptionalDouble s = server.busySinceLastCall();
            java.util.OptionalDouble c = self.busySinceLastCall();
            double elapsed = (System.nanoTime() - start) / 1e9;
            trace.append(String.format(Locale.ROOT, " [%.0f s: %,.0f req/s, JIT server %s generator %s]", elapsed,
                    r.requests() / r.seconds(), busy(s), busy(c)));
            boolean warm = (s.isEmpty() || s.getAsDouble() < WARM_JIT_BUSY) && (c.isEmpty() || c.getAsDouble() < WARM_JIT_BUSY);
            if ((elapsed >= minSeconds && warm) || elapsed >= maxSeconds) {
                System.out.printf(Locale.ROOT, "warm-up, %s: %.0f s%s%s%n", what, elapsed, warm ? "" : " (JIT still busy at the cap)", trace);
                return;
            }
            step = 2;
        }
    }

    private static String busy(java.util.OptionalDouble d) {
        return d.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f %%", d.getAsDouble() * 100);
    }

    static final byte[] STATUS_REQUEST = ("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** The device tokens {@code --provision-demo} wrote for {@link #DEVICES}, in that order. */
    static String[] deviceTokens(Path home) throws IOException {
        String[] tokens = new String[DEVICES.length];
        for (int d = 0; d < DEVICES.length; d++) {
            Matcher m = TOKEN.matcher(Files.readString(home.resolve("devices").resolve(DEVICES[d] + ".json")));
            if (!m.find()) {
                throw new IllegalStateException("no device token for " + DEVICES[d] + " in " + home);
            }
            tokens[d] = m.group(1);
        }
        return tokens;
    }

    static byte[] keyRequest(int connection, String[] tokens) {
        int me = connection % DEVICES.length;
        String body = "{\"device_id\":\"" + DEVICES[me] + "\",\"peer_id\":\"" + DEVICES[(me + 1) % DEVICES.length] + "\"}";
        return ("POST /get_session_key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + tokens[me] + "\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** Where a phase connects: the plain port, or the TLS port with a context that pins the KMS's CA. */
    record Endpoint(int port, SSLContext tls) {
    }

    public static X509Certificate caCertificate(Path home) throws Exception {
        try (InputStream in = Files.newInputStream(home.resolve("kms").resolve("ca.crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The request a connection sends, over and over. */
    @FunctionalInterface
    interface RequestFor {
        byte[] request(int connection);
    }

    /** Result builder that remembers the phase name. */
    record Raw(long requests, long errors, double seconds, long[] latencies, double cpu, double clientCpu,
                       long[] perConnection, long[] perSecond) {
        Result named(String name) {
            Arrays.sort(latencies);
            return new Result(name, requests, errors, seconds, pct(latencies, 0.50), pct(latencies, 0.99),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, cpu, clientCpu,
                    Arrays.stream(perConnection).min().orElse(0), Arrays.stream(perConnection).max().orElse(0), perSecond);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    static Raw run(Endpoint endpoint, int connections, int seconds, RequestFor requestFor, long pid) throws Exception {
        byte[][] requests = new byte[connections][];
        for (int c = 0; c < connections; c++) {
            requests[c] = requestFor.request(c);
        }
        long self = ProcessHandle.current().pid();
        long[] marks = new long[4]; // window start, server CPU, load generator CPU at the start
        ClosedLoopLoad.Outcome outcome = new ClosedLoopLoad(new InetSocketAddress("127.0.0.1", endpoint.port()),
                endpoint.tls()).run(requests, () -> {
                    try {
                        marks[1] = cpuTicks(pid);
                        marks[2] = cpuTicks(self);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    marks[0] = System.nanoTime();
                    return marks[0] + TimeUnit.SECONDS.toNanos(seconds);
                });
        double elapsed = (System.nanoTime() - marks[0]) / 1e9;
        long cpu1 = cpuTicks(pid);
        long clientCpu1 = cpuTicks(self);
        long[] counts = new long[connections];
        int total = 0;
        for (int c = 0; c < connections; c++) {
            counts[c] = outcome.latencies()[c].length;
            total += (int) counts[c];
        }
        long[] all = new long[total];
        int i = 0;
        for (long[] l : outcome.latencies()) {
            System.arraycopy(l, 0, all, i, l.length);
            i += l.length;
        }
        return new Raw(total, Arrays.stream(outcome.errors()).sum(), elapsed, all, (cpu1 - marks[1]) / (double) CLK_TCK,
                (clientCpu1 - marks[2]) / (double) CLK_TCK, counts, outcome.perSecond());
    }

    /** Set by the launcher to the kms command's JVM options, plus any the user added. */
    static String serverJvmOptions() {
        String extra = System.getenv("QSTCS_BENCH_SERVER_OPTS");
        return extra == null ? "" : extra.trim();
    }

    private static Process startServer(Path home) throws IOException {
        // Extra server JVM options, e.g. a flight recording while profiling.
        return startServer(home, serverJvmOptions(), System.getProperty("java.class.path"), List.of());
    }

    /** The KMS as a child process with these JVM options (blank: none), class path and extra KMS flags. */
    public static Process startServer(Path home, String jvmOptions, String classPath, List<String> kmsFlags) throws IOException {
        return startServer(home, jvmOptions, classPath, kmsFlags, true);
    }

    /** The same, provisioning the demo devices only when {@code provisionDemo} (a second KMS on one database must not). */
    static Process startServer(Path home, String jvmOptions, String classPath, List<String> kmsFlags,
                               boolean provisionDemo) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        if (!jvmOptions.isBlank()) {
            cmd.addAll(List.of(jvmOptions.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", classPath,
                "qstcs.kms.Main", "--home", home.toString(), "--bind", "127.0.0.1", "--port", "0", "--tls-port", "0"));
        if (provisionDemo) {
            cmd.add("--provision-demo");
        }
        cmd.addAll(kmsFlags);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the server's banner until it prints its plain and TLS URLs; keeps draining its output afterwards. */
    public static int[] awaitPorts(Process server) throws IOException {
        return awaitPorts(server, line -> { });
    }

    /** The same, handing every line the server prints to {@code output} (from another thread once the ports are known). */
    public static int[] awaitPorts(Process server, java.util.function.Consumer<String> output) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        int[] ports = {-1, -1};
        String line;
        while ((line = r.readLine()) != null) {
            output.accept(line);
            Matcher plain = PORT.matcher(line);
            Matcher tls = TLS_PORT.matcher(line);
            if (plain.find() && ports[0] < 0) {
                ports[0] = Integer.parseInt(plain.group(1));
            } else if (tls.find() && ports[1] < 0) {
                ports[1] = Integer.parseInt(tls.group(1));
            }
            if (ports[0] > 0 && ports[1] > 0) {
                Thread.ofPlatform().daemon(true).start(() -> {
                    try {
                        String more;
                        while ((more = r.readLine()) != null) {
                            output.accept(more); // and read on: the server's log must not block on a full pipe
                        }
                    } catch (IOException ignored) {
                        // server gone
                    }
                });
                return ports;
            }
        }
        throw new IOException("the KMS exited before printing its URLs");
    }

    static double idleCpu(long pid, int seconds) throws Exception {
        long t0 = cpuTicks(pid);
        long n0 = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(seconds));
        return (cpuTicks(pid) - t0) / (double) CLK_TCK / ((System.nanoTime() - n0) / 1e9);
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static String procStatus(long pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith(key + ":")) {
                long kb = Long.parseLong(l.substring(key.length() + 1).trim().split("\\s+")[0]);
                return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
            }
        }
        return "?";
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0]
                    + " " + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[1]
                    + " " + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Prints {@code usage} and exits for {@code --help}, and refuses flags the bench does not know
     * (or a flag without its value): a mistyped option must not start a minute-long run that
     * silently measures the defaults.
     */
    static void checkFlags(String[] args, String usage, String... known) {
        List<String> names = List.of(known);
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println(usage);
                System.exit(0);
            }
            if (!names.contains(args[i]) || i + 1 >= args.length) {
                System.err.println((names.contains(args[i]) ? "no value for " : "unknown option ") + args[i] + "\n" + usage);
                System.exit(2);
            }
        }
    }

    static String stringFlag(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static int intFlag(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
