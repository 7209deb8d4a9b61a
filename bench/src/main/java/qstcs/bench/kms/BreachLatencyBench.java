package qstcs.bench.kms;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import qstcs.bench.BenchArgs;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.KmsServer;

/**
 * {@code ./qstcs bench breach [--samples 12] [--qubits 262144] [--round-ms 10]}: breach-to-RED
 * latency while background rounds run back to back (large rounds, so one is nearly always running
 * when the attack arrives): from sending {@code POST /force_attack} to a parked long-poll of
 * {@code /link_status} (as the router guard and the relay wait) returning RED, and to the
 * operator's own answer (which carries the attack round's measured QBER). A forced attack that
 * queued behind the running round paid for the rest of that round on top of its own. The KMS runs
 * in this JVM on loopback; each sample is followed by {@code /reset}.
 */
public final class BreachLatencyBench {

    private static final String USAGE = "Usage: ./qstcs bench breach [--samples N] [--qubits Q] [--round-ms MS]";

    private BreachLatencyBench() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchArgs.helpRequested(args, USAGE, a -> a.startsWith("--samples") || a.startsWith("--qubits")
                || a.startsWith("--round-ms") || a.matches("\\d+"))) {
            return;
        }
        int samples = intOption(args, "--samples", 12);
        int qubits = intOption(args, "--qubits", 262_144);
        int roundMs = intOption(args, "--round-ms", 10);
        Path home = KmsServer.tempHome("qstcs-breach-bench");
        try (KmsServer kms = KmsServer.startOnLoopback(home, "--qubits", String.valueOf(qubits),
                "--round-ms", String.valueOf(roundMs))) {
            HttpClient http = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(kms.ca()).sslContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String token = kms.operatorToken();
            // Warm-up: one attack and reset, so the measured ones do not pay class loading.
            post(http, kms, token, "/force_attack");
            post(http, kms, token, "/reset");
            double[] red = new double[samples];
            double[] answer = new double[samples];
            for (int i = 0; i < samples; i++) {
                String status = get(http, kms.plainUrl() + "/link_status");
                long version = Long.parseLong(status.replaceAll("(?s).*\"version\"\\s*:\\s*(\\d+).*", "$1"));
                var poll = http.sendAsync(HttpRequest.newBuilder(URI.create(kms.plainUrl()
                        + "/link_status?wait=30&version=" + version)).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(37L * (i % 7) + 100); // the poll parks; the attack lands at varying points of a round
                long t0 = System.nanoTime();
                var attack = http.sendAsync(HttpRequest.newBuilder(URI.create(kms.tlsUrl() + "/force_attack"))
                        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                String polled = poll.join().body();
                red[i] = (System.nanoTime() - t0) / 1e6;
                String body = attack.join().body();
                answer[i] = (System.nanoTime() - t0) / 1e6;
                if (!polled.contains("\"RED\"") || !body.contains("\"RED\"")) {
                    throw new IllegalStateException("no RED after force_attack: " + polled + " / " + body);
                }
                post(http, kms, token, "/reset");
            }
            System.out.printf(Locale.ROOT, "force_attack, %d samples, %d qubits per round, rounds every %d ms:%n",
                    samples, qubits, roundMs);
            print("long-poll sees RED", red);
            print("operator's answer ", answer);
        }
    }

    private static void print(String what, double[] ms) {
        Arrays.sort(ms);
        int n = ms.length;
        System.out.printf(Locale.ROOT, "  %s  p50 %.0f ms   p90 %.0f ms   max %.0f ms%n", what, ms[n / 2],
                ms[(int) Math.ceil(n * 0.9) - 1], ms[n - 1]);
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String post(HttpClient http, KmsServer kms, String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(kms.tlsUrl() + path))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
