package qstcs.bench.kms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import qstcs.bench.BenchArgs;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * {@code ./qstcs bench kms-takeover --db URL}: how long devices wait for keys when the leading
 * KMS process dies. Two real KMS processes share the database; each cycle kills the leader with
 * SIGKILL and times until the standby answers {@code POST /get_session_key} with a key (lock
 * detection, the take-over and the first round of the new leader's empty pool), then starts a
 * fresh standby for the next cycle.
 */
public final class KmsTakeOverBench {
    static final String USAGE = """
            Usage: ./qstcs bench kms-takeover --db postgresql://USER@HOST:PORT/DB [--cycles 10] [--round-ms 500]

            Times KMS take-over on PostgreSQL: two KMS processes on the database (password from
            PGPASSWORD), kill -9 of the leader, until the standby issues a key. A throw-away
            database: pg_virtualenv sh -c './qstcs bench kms-takeover --db "postgresql://$PGUSER@127.0.0.1:$PGPORT/$PGDATABASE"'
            """;

    private KmsTakeOverBench() {
    }

    private record Kms(Process process, int tlsPort) {
    }

    public static void main(String[] args) throws Exception {
        if (BenchArgs.helpRequested(args, USAGE, a -> true)) {
            return;
        }
        KmsBench.checkFlags(args, USAGE, "--db", "--cycles", "--round-ms");
        String db = KmsBench.stringFlag(args, "--db", null);
        if (db == null) {
            System.err.println("--db is required\n" + USAGE);
            System.exit(2);
        }
        int cycles = KmsBench.intFlag(args, "--cycles", 10);
        String roundMs = Integer.toString(KmsBench.intFlag(args, "--round-ms", 500));
        Path home = Files.createTempDirectory("qstcs-takeover");
        List<Kms> running = new ArrayList<>();
        try {
            Kms leader = start(home, db, roundMs, "kms-0", true);
            running.add(leader);
            String token = KmsBench.deviceTokens(home)[0];
            PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(KmsBench.caCertificate(home)));
            HttpClient http = HttpClient.newBuilder().sslContext(trust.sslContext()).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            awaitKey(http, leader, token, Long.MAX_VALUE);
            Kms standby = start(home, db, roundMs, "kms-1", false);
            running.add(standby);
            long[] ms = new long[cycles];
            System.out.printf(Locale.ROOT, "KMS take-over on %s, round every %s ms, load average %s%n", db, roundMs,
                    KmsBench.loadAverage());
            for (int i = 0; i < cycles; i++) {
                awaitStandby(http, standby, token);
                long killedAt = System.nanoTime();
                leader.process().destroyForcibly();
                awaitKey(http, standby, token, killedAt);
                ms[i] = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf(Locale.ROOT, "  cycle %2d: %4d ms%n", i + 1, ms[i]);
                leader.process().waitFor(10, TimeUnit.SECONDS);
                running.remove(leader);
                leader = standby;
                standby = start(home, db, roundMs, "kms-" + (i + 2), false);
                running.add(standby);
            }
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "take-over (kill -9 of the leader to the first key from the standby): "
                    + "min %d ms, median %d ms, max %d ms over %d cycles%n", sorted[0], sorted[sorted.length / 2],
                    sorted[sorted.length - 1], cycles);
        } finally {
            for (Kms k : running) {
                k.process().destroy();
                k.process().waitFor(20, TimeUnit.SECONDS);
            }
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Kms start(Path home, String db, String roundMs, String instance, boolean provision) throws IOException {
        List<String> flags = new ArrayList<>(List.of("--db", db, "--instance", instance, "--round-ms", roundMs));
        Process p = KmsBench.startServer(home, KmsBench.serverJvmOptions(), System.getProperty("java.class.path"), flags,
                provision);
        return new Kms(p, KmsBench.awaitPorts(p)[1]);
    }

    private static HttpResponse<String> keyRequest(HttpClient http, Kms kms, String token) throws InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + kms.tlsPort() + "/get_session_key"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}"))
                .build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /** Until the process answers the key route at all (503 standby): it is up and competing for the lock. */
    private static void awaitStandby(HttpClient http, Kms kms, String token) throws InterruptedException {
        while (true) {
            HttpResponse<String> r = keyRequest(http, kms, token);
            if (r != null && r.statusCode() == 503 && r.body().contains("\"standby\"")) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static void awaitKey(HttpClient http, Kms kms, String token, long since) throws InterruptedException {
        long deadline = (since == Long.MAX_VALUE ? System.nanoTime() : since) + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = keyRequest(http, kms, token);
            if (r != null && r.statusCode() == 200 && r.body().contains("key_hex")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no key from the KMS on port " + kms.tlsPort() + " within 60 s");
    }
}
