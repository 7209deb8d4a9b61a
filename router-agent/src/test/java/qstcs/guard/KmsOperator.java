package qstcs.guard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * The operator's side of the KMS, as the SOC console uses it: TLS pinned to the KMS's own CA,
 * operator token, from a socket in the server namespace (the console on the KMS machine). Used to
 * press Force Attack and Reset and to watch the router heartbeats on {@code /events}.
 */
final class KmsOperator {
    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient http;
    private final String base;
    private final String token;

    KmsOperator(RouterLab lab, Path home) {
        Path kmsDir = home.resolve("kms");
        PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(readCertificate(kmsDir.resolve("ca.crt"))));
        // Absent while the KMS runs without identities (its operator routes are then open on TLS).
        this.token = Files.isReadable(kmsDir.resolve("operator.token")) ? read(kmsDir.resolve("operator.token")) : null;
        this.http = new OkHttpClient.Builder()
                .socketFactory(new NamespaceSocketFactory(lab.thread(lab.server)))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS)
                .build();
        this.base = "https://127.0.0.1:" + LabServers.KMS_TLS_PORT;
    }

    /** POST /force_attack; returns the answer's body. */
    String forceAttack() {
        return post("/force_attack", "{}");
    }

    String reset() {
        return post("/reset", "{}");
    }

    String linkStatus() {
        return call(new Request.Builder().url(base + "/link_status").get());
    }

    private String post(String path, String json) {
        return call(new Request.Builder().url(base + path).post(RequestBody.create(json, JSON)));
    }

    private String call(Request.Builder request) {
        try (Response r = http.newCall(authorized(request).build()).execute()) {
            String body = r.body().string();
            if (!r.isSuccessful()) {
                throw new AssertionError(r.request().url().encodedPath() + " answered " + r.code() + ": " + body);
            }
            return body;
        } catch (IOException e) {
            throw new AssertionError("KMS operator call failed: " + e, e);
        }
    }

    /**
     * Reads {@code /events} until a {@code router} event's data matches, or fails after
     * {@code timeout}. The KMS replays each router's last heartbeat to a new subscriber first.
     */
    String awaitRouterEvent(Predicate<String> match, Duration timeout) {
        OkHttpClient sse = http.newBuilder().readTimeout(timeout).callTimeout(timeout).build();
        Request req = authorized(new Request.Builder().url(base + "/events")).header("Accept", "text/event-stream").build();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Response r = sse.newCall(req).execute()) {
            BufferedSource in = r.body().source();
            String event = "";
            String line;
            while (System.nanoTime() < deadline && (line = in.readUtf8Line()) != null) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && event.equals("router")) {
                    String data = line.substring(5).strip();
                    seen.append(data).append('\n');
                    if (match.test(data)) {
                        return data;
                    }
                }
            }
        } catch (IOException e) {
            // timed out: reported below with what was seen
        }
        throw new AssertionError("no matching router event within " + timeout.toMillis() + " ms; router events seen:\n" + seen);
    }

    private Request.Builder authorized(Request.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private static X509Certificate readCertificate(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the KMS CA certificate " + file + ": " + e, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }
}
