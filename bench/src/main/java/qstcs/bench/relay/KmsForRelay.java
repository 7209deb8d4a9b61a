package qstcs.bench.relay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import qstcs.bench.kms.KmsBench;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * The KMS a production relay needs: it issues the relay's certificate from its CA, answers the
 * relay's token introspection and its link-status long-poll. Runs as {@code qstcs.kms.Main} in its
 * own JVM with a temporary home that the relay shares (as on one server machine), and enrolls the
 * benchmark's devices through the real operator and enrollment routes.
 */
public final class KmsForRelay implements AutoCloseable {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CAP = Pattern.compile("Connections: at most (\\d+) \\(http\\)");
    private static final Pattern TOKEN = Pattern.compile("\"device_token\"\\s*:\\s*\"([0-9a-f]+)\"");

    private final Path home;
    private final Process process;
    private final int plainPort;
    private final int tlsPort;
    private final java.util.concurrent.CompletableFuture<Integer> connectionCap = new java.util.concurrent.CompletableFuture<>();
    private final SSLContext pinned;
    private final HttpClient http;

    public KmsForRelay() throws Exception {
        home = Files.createTempDirectory("qstcs-relay-bench");
        String jvm = System.getenv().getOrDefault("QSTCS_BENCH_KMS_OPTS", "-XX:+UseParallelGC -Xmx256m");
        process = KmsBench.startServer(home, jvm, System.getProperty("java.class.path"), List.of());
        int[] ports = KmsBench.awaitPorts(process, line -> {
            Matcher cap = CAP.matcher(line);
            if (cap.find()) {
                connectionCap.complete(Integer.parseInt(cap.group(1)));
            }
        });
        plainPort = ports[0];
        tlsPort = ports[1];
        pinned = PinnedCaTrust.of(CaFingerprint.of(KmsBench.caCertificate(home))).sslContext();
        http = HttpClient.newBuilder().sslContext(pinned).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public Path home() {
        return home;
    }

    /** The relay's flags that point it at this KMS. */
    public List<String> relayFlags() {
        return List.of("--kms", "http://127.0.0.1:" + plainPort, "--kms-tls", "https://127.0.0.1:" + tlsPort);
    }

    /** A client context that pins this KMS's CA (the relay's certificate comes from it too). */
    public SSLContext pinnedTls() {
        return pinned;
    }

    /** Enrolls {@code deviceId} as a soldier would (operator code, then /enroll); its device token. */
    public String enroll(String deviceId) throws Exception {
        String operator = operatorToken();
        String created = post("/admin/enrollments", "{\"device_id\":\"" + deviceId + "\"}", operator);
        Matcher code = CODE.matcher(created);
        if (!code.find()) {
            throw new IOException("no enrollment code for " + deviceId + ": " + created);
        }
        String enrolled = post("/enroll", "{\"device_id\":\"" + deviceId + "\",\"code\":\"" + code.group(1) + "\"}", null);
        Matcher token = TOKEN.matcher(enrolled);
        if (!token.find()) {
            throw new IOException("enrollment of " + deviceId + " gave no token");
        }
        return token.group(1);
    }

    /** Most connections each KMS listener holds, from its start-up banner. */
    public int connectionCap() throws Exception {
        return connectionCap.get(60, TimeUnit.SECONDS);
    }

    /** The KMS process's id (for its /proc figures). */
    public long pid() {
        return process.pid();
    }

    public int plainPort() {
        return plainPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The operator token the KMS wrote into its home. */
    public String operatorToken() throws IOException {
        return Files.readString(home.resolve("kms").resolve("operator.token")).trim();
    }

    private String post(String path, String body, String bearer) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IOException("POST " + path + " answered " + res.statusCode());
        }
        return res.body();
    }

    @Override
    public void close() throws Exception {
        http.close();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
