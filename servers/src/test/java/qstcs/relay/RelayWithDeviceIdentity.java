package qstcs.relay;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.identity.KmsIdentity;
import qstcs.relay.auth.RelayIdentity;
import qstcs.server.common.JsonErrors;

/**
 * A relay in its production identity set-up, on loopback: {@code wss://} with a certificate from
 * the KMS's local CA, every registration checked against the real KMS identity routes over pinned
 * TLS, revocations pushed from them. The tests that need device tokens at the relay share it so that
 * each says only what it checks.
 */
final class RelayWithDeviceIdentity implements AutoCloseable {

    private final Path home;
    private final KmsIdentity kmsIdentity;
    private final WebServer kms;
    private final RelayServer relay;
    private final OkHttpClient pinned;
    private final PinnedCaTrust trust;

    /** Starts the KMS identity routes and a relay checking tokens against them, both under {@code home}. */
    RelayWithDeviceIdentity(Path home) throws Exception {
        this(home, RelayLimits.DEFAULT);
    }

    /** As {@link #RelayWithDeviceIdentity(Path)}, with a relay that has {@code limits}. */
    RelayWithDeviceIdentity(Path home, RelayLimits limits) throws Exception {
        this(home, RelaySettings.loopbackForTests().withLimits(limits));
    }

    /** As {@link #RelayWithDeviceIdentity(Path)}, the relay with {@code settings}. */
    RelayWithDeviceIdentity(Path home, RelaySettings settings) throws Exception {
        this.home = home;
        kmsIdentity = KmsIdentity.open(new StateHome(home), new KmsIdentity.Options(8443, Optional.of("127.0.0.1"),
                Optional.empty(), List.of(), false), Clock.systemUTC(), (e, a, d) -> { });
        kms = WebServer.builder().host("127.0.0.1").port(0).tls(kmsIdentity.serverIdentity().tls())
                .routing(r -> {
                    JsonErrors.register(r);
                    kmsIdentity.registerRoutes(r, id -> { });
                }).build().start();
        RelayIdentity identity = RelayIdentity.load(home, Optional.empty(), URI.create(kmsUrl("")), List.of());
        relay = RelayServer.start(settings, identity);
        trust = PinnedCaTrust.of(kmsIdentity.ca().fingerprint());
        pinned = new OkHttpClient.Builder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .build();
    }

    KmsIdentity kmsIdentity() {
        return kmsIdentity;
    }

    RelayServer relay() {
        return relay;
    }

    /** An HTTP client that trusts the KMS's CA and nothing else, as enrolled devices do. */
    OkHttpClient pinned() {
        return pinned;
    }

    /** TLS sockets that trust the KMS's CA and nothing else, for clients below OkHttp. */
    javax.net.ssl.SSLSocketFactory pinnedSockets() {
        return trust.sslContext().getSocketFactory();
    }

    /** The relay's WebSocket address. */
    String wss() {
        return "wss://127.0.0.1:" + relay.port() + "/";
    }

    String kmsUrl(String path) {
        return "https://127.0.0.1:" + kms.port() + path;
    }

    String operatorToken() throws IOException {
        return Files.readString(home.resolve("kms/operator.token")).strip();
    }

    /** A fresh token for {@code deviceId}, issued directly by the KMS identity. */
    String issueToken(String deviceId) {
        return kmsIdentity.devices().issueToken(deviceId);
    }

    /** A pinned wss connection that has sent a register frame, with a token unless it is null. */
    WsTestClient register(String deviceId, String token) {
        WsTestClient c = WsTestClient.connect(pinned, wss());
        c.send(token == null ? "{\"type\":\"register\",\"device_id\":\"" + deviceId + "\"}"
                : "{\"type\":\"register\",\"device_id\":\"" + deviceId + "\",\"token\":\"" + token + "\"}");
        return c;
    }

    /** Once the relay's revocation long-poll is parked at the KMS, a revocation reaches it by push. */
    boolean revocationFeedParked() {
        return kmsIdentity.revocations().waiting() > 0;
    }

    /** The operator revokes {@code deviceId} over HTTPS; the HTTP status. */
    int revoke(String deviceId) throws IOException {
        try (Response response = pinned.newCall(new Request.Builder().url(kmsUrl("/admin/devices/" + deviceId))
                .header("Authorization", "Bearer " + operatorToken()).delete().build()).execute()) {
            return response.code();
        }
    }

    @Override
    public void close() {
        relay.close();
        kms.stop();
        kmsIdentity.close();
        pinned.dispatcher().executorService().shutdown();
        pinned.connectionPool().evictAll();
    }
}
