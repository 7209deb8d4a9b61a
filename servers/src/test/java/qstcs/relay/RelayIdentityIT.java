package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.wire.CloseCode;
import qstcs.kms.identity.KmsIdentity;
import qstcs.server.pki.LocalCa;
import qstcs.relay.auth.RelayIdentity;
import qstcs.server.common.JsonErrors;
import qstcs.crypto.home.StateHome;

/**
 * The relay with device identity: wss:// with a certificate from the local CA, register checked
 * against the real KMS identity routes (token introspection over pinned TLS), revocation pushed.
 */
class RelayIdentityIT {

    @TempDir
    Path home;
    private KmsIdentity kmsIdentity;
    private WebServer kms;
    private RelayServer relay;
    private OkHttpClient pinned;
    private String wss;

    @BeforeEach
    void start() throws Exception {
        kmsIdentity = KmsIdentity.open(new StateHome(home), new KmsIdentity.Options(8443, Optional.of("127.0.0.1"),
                Optional.empty(), List.of(), false), Clock.systemUTC(), (e, a, d) -> { });
        kms = WebServer.builder().host("127.0.0.1").port(0).tls(kmsIdentity.serverIdentity().tls())
                .routing(r -> {
                    JsonErrors.register(r);
                    kmsIdentity.registerRoutes(r, id -> { });
                }).build().start();
        RelayIdentity identity = RelayIdentity.load(home, Optional.empty(), URI.create("https://127.0.0.1:" + kms.port()),
                List.of());
        relay = RelayServer.start(RelaySettings.loopbackForTests(), identity);
        PinnedCaTrust trust = PinnedCaTrust.of(kmsIdentity.ca().fingerprint());
        pinned = new OkHttpClient.Builder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .build();
        wss = "wss://127.0.0.1:" + relay.port() + "/";
    }

    @AfterEach
    void stop() {
        relay.close();
        kms.stop();
        kmsIdentity.close();
        pinned.dispatcher().executorService().shutdown();
        pinned.connectionPool().evictAll();
    }

    private WsTestClient registerWith(String deviceId, String token) {
        WsTestClient c = WsTestClient.connect(pinned, wss);
        c.send(token == null ? "{\"type\":\"register\",\"device_id\":\"" + deviceId + "\"}"
                : "{\"type\":\"register\",\"device_id\":\"" + deviceId + "\",\"token\":\"" + token + "\"}");
        return c;
    }

    /** Who is online is the operator's to know: anonymous callers and devices get the figures only. */
    @Test
    void statsListOnlineDevicesToTheOperatorOnly() throws Exception {
        String alpha = kmsIdentity.devices().issueToken("Soldier_Alpha");
        try (WsTestClient a = registerWith("Soldier_Alpha", alpha)) {
            a.next("registered");
            String https = "https://127.0.0.1:" + relay.port() + "/stats";
            JsonNode anonymous = statsAs(https, null);
            assertFalse(anonymous.has("online"), anonymous.toString());
            assertEquals(1, anonymous.get("online_count").asInt());
            assertFalse(statsAs(https, alpha).has("online"), "a device token does not list devices");
            assertFalse(statsAs(https, "f".repeat(64)).has("online"));
            assertEquals("[\"Soldier_Alpha\"]", statsAs(https, operatorToken()).get("online").toString());
        }
    }

    private JsonNode statsAs(String url, String token) throws Exception {
        okhttp3.Request.Builder r = new okhttp3.Request.Builder().url(url);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        try (okhttp3.Response res = pinned.newCall(r.build()).execute()) {
            assertEquals(200, res.code());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body().string());
        }
    }

    @Test
    void aDeviceRegistersOnlyUnderItsOwnIdWithItsOwnToken() {
        String alpha = kmsIdentity.devices().issueToken("Soldier_Alpha");
        String bravo = kmsIdentity.devices().issueToken("Soldier_Bravo");
        try (WsTestClient a = registerWith("Soldier_Alpha", alpha)) {
            assertEquals("Soldier_Alpha", a.next("registered").get("device_id").asText());
            try (WsTestClient spoof = registerWith("Soldier_Bravo", alpha)) {
                JsonNode e = spoof.next("error");
                assertEquals("unauthorized", e.get("code").asText());
                assertFalse(e.toString().contains(alpha), "token echoed in an error frame");
            }
            try (WsTestClient none = registerWith("Soldier_Bravo", null)) {
                assertEquals("unauthorized", none.next("error").get("code").asText());
            }
            try (WsTestClient forged = registerWith("Soldier_Bravo", "f".repeat(64))) {
                assertEquals("unauthorized", forged.next("error").get("code").asText());
            }
            try (WsTestClient b = registerWith("Soldier_Bravo", bravo)) {
                assertEquals("Soldier_Bravo", b.next("registered").get("device_id").asText());
            }
        }
    }

    @Test
    void aRevokedDeviceIsDisconnectedByTheRevocationFeed() throws Exception {
        String alpha = kmsIdentity.devices().issueToken("Soldier_Alpha");
        try (WsTestClient a = registerWith("Soldier_Alpha", alpha)) {
            a.next("registered");
            Await.until("the relay's revocation long-poll is parked", () -> kmsIdentity.revocations().waiting() > 0);
            var response = pinned.newCall(new Request.Builder()
                    .url("https://127.0.0.1:" + kms.port() + "/admin/devices/Soldier_Alpha")
                    .header("Authorization", "Bearer " + operatorToken()).delete().build()).execute();
            assertEquals(200, response.code());
            response.close();
            int code = a.closed.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertEquals(CloseCode.REVOKED.code(), code);
            assertEquals("revoked", a.next("error").get("code").asText());
        }
        try (WsTestClient again = registerWith("Soldier_Alpha", alpha)) {
            assertEquals("unauthorized", again.next("error").get("code").asText());
        }
    }

    @Test
    void clientsWithoutThePinnedCaOrWithPlainWsGetNowhere() throws Exception {
        OkHttpClient jdkDefault = new OkHttpClient();
        WsTestClient untrusted = WsTestClient.attempt(jdkDefault, wss);
        CompletionException e = assertThrows(CompletionException.class,
                () -> untrusted.opened.orTimeout(10, TimeUnit.SECONDS).join());
        assertTrue(e.getCause() instanceof javax.net.ssl.SSLHandshakeException, e.getCause().toString());

        PinnedCaTrust otherCa = PinnedCaTrust.of(LocalCa.create(Clock.systemUTC()).fingerprint());
        OkHttpClient wrongPin = new OkHttpClient.Builder()
                .sslSocketFactory(otherCa.sslContext().getSocketFactory(), otherCa.trustManager()).build();
        WsTestClient mispinned = WsTestClient.attempt(wrongPin, wss);
        CompletionException e2 = assertThrows(CompletionException.class,
                () -> mispinned.opened.orTimeout(10, TimeUnit.SECONDS).join());
        assertTrue(String.valueOf(e2.getCause().getMessage()).contains("pinned QSTCS CA")
                || String.valueOf(e2.getCause().getCause()).contains("pinned QSTCS CA"), e2.getCause().toString());

        WsTestClient plain = WsTestClient.attempt(pinned, "ws://127.0.0.1:" + relay.port() + "/");
        assertThrows(CompletionException.class, () -> plain.opened.orTimeout(10, TimeUnit.SECONDS).join());
        jdkDefault.connectionPool().evictAll();
        wrongPin.connectionPool().evictAll();
    }

    private String operatorToken() throws Exception {
        return java.nio.file.Files.readString(home.resolve("kms/operator.token")).strip();
    }
}
