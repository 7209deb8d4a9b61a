package qstcs.bench.kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * {@code ./qstcs bench kms-ab --a-opts "..." --b-opts "..." [--a-classes DIR] [--b-classes DIR]
 * [--pairs 12] [--segment 3] [--warmup 5] [--connections 16] [--lock FILE --pairs-per-lock 8] [--kms-flags "..."] [--route key|status]}:
 * a paired comparison of two KMS
 * variants on the key route ({@code POST /get_session_key} over TLS with device tokens, as
 * {@link KmsBench} drives it).
 *
 * <p>Why: this 2-core VM's host changes speed by up to 3× for minutes at a time, so two benchmark
 * runs minutes apart compare the host, not the code. Here both variants run as live server
 * processes side by side; they take turns in short segments (A B B A A B B A …, so a steady
 * drift favours neither), and each A/B pair is compared on its own: server CPU per request, p99
 * and throughput. The waiting server is frozen with {@code SIGSTOP} (its link loop must not take
 * CPU from the measured one) and resumed with {@code SIGCONT} before its turn.
 *
 * <p>A variant is a set of JVM options (appended to the launcher's KMS options, e.g. system
 * properties of Helidon's configuration) and optionally another build of the servers module's
 * classes ({@code --a-classes} replaces {@code servers/target/classes} on the class path, e.g. a
 * copy of main's classes). Server CPU per request here is the whole process's CPU (link loop
 * included) divided by the requests of that segment: the same for both variants unless a variant
 * changes the link loop.
 *
 * <p>With {@code --lock FILE} the bench takes the machine's CPU lock itself ({@code flock(1)}):
 * shared while it starts and warms up both servers, exclusive only while it measures, at most
 * {@code --pairs-per-lock} pairs at a time, with both servers frozen in between.
 */
public final class KmsAbBench {
    private static final String SERVERS_CLASSES = "/servers/target/classes";

    private KmsAbBench() {
    }

    /** One variant's live server. */
    private record Variant(String name, Process process, KmsBench.Endpoint endpoint, KmsBench.RequestFor requests) {
        long pid() {
            return process.pid();
        }
    }

    /** One segment's figures. */
    private record Segment(double perSecond, double p99Ms, double p50Ms, double maxMs, double cpuMicros,
                           double clientCpuMicros, long errors) {
        static Segment of(KmsBench.Raw raw) {
            KmsBench.Result r = raw.named("segment");
            return new Segment(r.perSecond(), r.p99Ms(), r.p50Ms(), r.maxMs(), r.serverCpuSeconds() / r.requests() * 1e6,
                    r.clientCpuSeconds() / r.requests() * 1e6, r.errors());
        }
    }

    public static void main(String[] args) throws Exception {
        KmsBench.checkFlags(args, "Usage: ./qstcs bench kms-ab [--pairs 12] [--segment 3] [--warmup 5] [--connections 16]\n"
                + "       [--a-opts JVMOPTS] [--b-opts JVMOPTS] [--a-classes DIR] [--b-classes DIR] [--kms-flags FLAGS]\n"
                + "       [--route key|status] [--lock FILE] [--pairs-per-lock 8]\n"
                + "Two live KMS variants measured in alternating segments (docs/BENCHMARKS.md, KMS).",
                "--pairs", "--segment", "--warmup", "--connections", "--a-opts", "--b-opts", "--a-classes", "--b-classes",
                "--kms-flags", "--route", "--lock", "--pairs-per-lock");
        int pairs = KmsBench.intFlag(args, "--pairs", 12);
        int segment = KmsBench.intFlag(args, "--segment", 3);
        int warmup = KmsBench.intFlag(args, "--warmup", 5);
        int connections = KmsBench.intFlag(args, "--connections", 16);
        String base = KmsBench.serverJvmOptions();
        String[] opts = {KmsBench.stringFlag(args, "--a-opts", ""), KmsBench.stringFlag(args, "--b-opts", "")};
        int pairsPerLock = KmsBench.intFlag(args, "--pairs-per-lock", 8);
        String lock = KmsBench.stringFlag(args, "--lock", "");
        // --route status compares GET /link_status on the plain port instead of the key route.
        boolean status = KmsBench.stringFlag(args, "--route", "key").equals("status");
        // Extra KMS flags for both variants, e.g. "--round-ms 100" to magnify the link loop's share.
        String extra = KmsBench.stringFlag(args, "--kms-flags", "").trim();
        List<String> kmsFlags = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
        String[] classes = {KmsBench.stringFlag(args, "--a-classes", ""), KmsBench.stringFlag(args, "--b-classes", "")};

        List<Variant> variants = new ArrayList<>();
        List<Path> homes = new ArrayList<>();
        LockHold hold = LockHold.take(lock, "-s");
        try {
            for (int v = 0; v < 2; v++) {
                Path home = Files.createTempDirectory("qstcs-kms-ab");
                homes.add(home);
                String name = v == 0 ? "A" : "B";
                Process p = KmsBench.startServer(home, base + " " + opts[v], classPath(classes[v]), kmsFlags);
                int[] ports = KmsBench.awaitPorts(p);
                SSLContext tls = PinnedCaTrust.of(CaFingerprint.of(KmsBench.caCertificate(home))).sslContext();
                String[] tokens = KmsBench.deviceTokens(home);
                variants.add(status
                        ? new Variant(name, p, new KmsBench.Endpoint(ports[0], null), c -> KmsBench.STATUS_REQUEST)
                        : new Variant(name, p, new KmsBench.Endpoint(ports[1], tls), c -> KmsBench.keyRequest(c, tokens)));
                System.out.printf(Locale.ROOT, "%s: pid %d, JVM options: %s%s%n", name, p.pid(), (base + " " + opts[v]).trim(),
                        classes[v].isEmpty() ? "" : ", servers classes from " + classes[v]);
            }
            System.out.printf(Locale.ROOT, "start %s, load average %s; %d pairs of %d s segments, %d connections%n",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS), KmsBench.loadAverage(), pairs, segment, connections);
            // Warm-up, each variant alone until its JIT is nearly idle (a frozen JVM's compiler would
            // otherwise go on compiling during the variant's first segments).
            for (Variant v : variants) {
                pause(variants, v);
                KmsBench.warmUp(v.name(), v.endpoint(), connections, warmup, 40,
                        v.requests(), v.pid());
            }
            Segment[][] results = new Segment[pairs][2];
            for (int pair = 0; pair < pairs; pair++) {
                if (pair % pairsPerLock == 0) {
                    // Measure under the exclusive lock, at most pairsPerLock pairs at a time; both
                    // servers are frozen while the lock is released, so they cost others nothing.
                    freezeAll(variants);
                    hold.close();
                    hold = LockHold.take(lock, "-x");
                    System.out.printf(Locale.ROOT, "%s exclusive lock taken, load average %s%n",
                            Instant.now().truncatedTo(ChronoUnit.SECONDS), KmsBench.loadAverage());
                }
                // A B, B A, A B, …: the one that goes second alternates.
                int first = pair % 2;
                for (int k = 0; k < 2; k++) {
                    int v = k == 0 ? first : 1 - first;
                    pause(variants, variants.get(v));
                    results[pair][v] = measure(variants.get(v), connections, segment);
                }
                Segment a = results[pair][0];
                Segment b = results[pair][1];
                System.out.printf(Locale.ROOT, "pair %d (%s first): A %,.0f req/s p99 %.2f ms %.0f µs | B %,.0f req/s p99 %.2f ms %.0f µs"
                                + " | B/A CPU %.3f p99 %.3f req/s %.3f%s%n",
                        pair + 1, first == 0 ? "A" : "B", a.perSecond(), a.p99Ms(), a.cpuMicros(),
                        b.perSecond(), b.p99Ms(), b.cpuMicros(), b.cpuMicros() / a.cpuMicros(), b.p99Ms() / a.p99Ms(),
                        b.perSecond() / a.perSecond(), a.errors() + b.errors() > 0 ? " ERRORS " + (a.errors() + b.errors()) : "");
            }
            freezeAll(variants);
            hold.close();
            hold = new LockHold(null);
            summary(results);
            System.out.printf(Locale.ROOT, "end %s, load average %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
                    KmsBench.loadAverage());
        } finally {
            hold.close();
            for (Variant v : variants) {
                signal(v.pid(), "CONT");
                v.process().destroy();
            }
            for (Variant v : variants) {
                if (!v.process().waitFor(10, TimeUnit.SECONDS)) {
                    v.process().destroyForcibly();
                }
            }
            for (Path home : homes) {
                deleteTree(home);
            }
        }
    }

    private static void summary(Segment[][] results) {
        int n = results.length;
        double[] cpu = new double[n];
        double[] p99 = new double[n];
        double[] rate = new double[n];
        int cpuWins = 0;
        int p99Wins = 0;
        int rateWins = 0;
        for (int i = 0; i < n; i++) {
            Segment a = results[i][0];
            Segment b = results[i][1];
            cpu[i] = b.cpuMicros() / a.cpuMicros();
            p99[i] = b.p99Ms() / a.p99Ms();
            rate[i] = b.perSecond() / a.perSecond();
            cpuWins += cpu[i] < 1 ? 1 : 0;
            p99Wins += p99[i] < 1 ? 1 : 0;
            rateWins += rate[i] > 1 ? 1 : 0;
        }
        System.out.println();
        System.out.println("| variant | req/s (median) | p99 ms (median) | p50 ms (median) | server CPU µs/req (median) | generator CPU µs/req (median) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int v = 0; v < 2; v++) {
            int vv = v;
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.0f | %.0f |%n", v == 0 ? "A" : "B",
                    median(Arrays.stream(results).mapToDouble(r -> r[vv].perSecond()).toArray()),
                    median(Arrays.stream(results).mapToDouble(r -> r[vv].p99Ms()).toArray()),
                    median(Arrays.stream(results).mapToDouble(r -> r[vv].p50Ms()).toArray()),
                    median(Arrays.stream(results).mapToDouble(r -> r[vv].cpuMicros()).toArray()),
                    median(Arrays.stream(results).mapToDouble(r -> r[vv].clientCpuMicros()).toArray()));
        }
        System.out.printf(Locale.ROOT, "paired B/A (median of %d pairs): server CPU/req %.3f (B lower in %d), p99 %.3f (B lower in %d),"
                        + " req/s %.3f (B higher in %d)%n",
                n, median(cpu), cpuWins, median(p99), p99Wins, median(rate), rateWins);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Resumes {@code active}, freezes every other variant. */
    private static void pause(List<Variant> variants, Variant active) throws Exception {
        for (Variant v : variants) {
            if (v != active) {
                signal(v.pid(), "STOP");
            }
        }
        signal(active.pid(), "CONT");
        Thread.sleep(200); // let a pending link round start, as it would in a running server
    }

    private static void freezeAll(List<Variant> variants) throws Exception {
        for (Variant v : variants) {
            signal(v.pid(), "STOP");
        }
    }

    /**
     * A {@code flock(1)} on the shared CPU lock file held by a child process until {@link #close}
     * (Java's own file locks are fcntl locks, which flock(1) does not see). No lock file: no-op.
     */
    private record LockHold(Process holder) implements AutoCloseable {
        static LockHold take(String lockFile, String mode) throws IOException {
            if (lockFile.isEmpty()) {
                return new LockHold(null);
            }
            Process p = new ProcessBuilder("flock", mode, lockFile, "-c", "echo locked; exec cat >/dev/null")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            if (!"locked".equals(line)) {
                p.destroy();
                throw new IOException("flock " + mode + " " + lockFile + " failed");
            }
            return new LockHold(p);
        }

        @Override
        public void close() throws IOException {
            if (holder != null) {
                holder.getOutputStream().close(); // cat ends, flock releases the lock
                try {
                    holder.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                holder.destroy();
            }
        }
    }

    private static Segment measure(Variant v, int connections, int seconds) throws Exception {
        return Segment.of(KmsBench.run(v.endpoint(), connections, seconds, v.requests(), v.pid()));
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** This JVM's class path, with the servers module's classes taken from {@code classes} when given. */
    private static String classPath(String classes) {
        String cp = System.getProperty("java.class.path");
        if (classes.isEmpty()) {
            return cp;
        }
        String[] entries = cp.split(java.io.File.pathSeparator);
        boolean replaced = false;
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].endsWith(SERVERS_CLASSES) || entries[i].endsWith(SERVERS_CLASSES + "/")) {
                entries[i] = Path.of(classes).toAbsolutePath().toString();
                replaced = true;
            }
        }
        if (!replaced) {
            throw new IllegalStateException("no " + SERVERS_CLASSES + " on the class path " + cp);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
