package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.webserver.WebServer;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.wire.CloseCode;
import qstcs.kms.identity.KmsIdentity;
import qstcs.relay.auth.RelayIdentity;
import qstcs.server.common.JsonErrors;
import qstcs.testing.Await;

/**
 * Every way a {@code wss://} session ends gives its socket back: the connection gate stops counting
 * it for its address (it counts only sockets still open), so an address whose sessions keep ending
 * never reaches its limit of established connections. Real relay with TLS and device tokens, real
 * KMS identity routes, real OkHttp clients, all from 127.0.0.1.
 */
class WssSessionReleaseIT {

    private static final int SESSIONS = 8;

    @TempDir
    Path home;
    private KmsIdentity kmsIdentity;
    private WebServer kms;
    private RelayServer relay;
    private OkHttpClient pinned;
    private String wss;
    private InetAddress loopback;

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
        loopback = InetAddress.getByName("127.0.0.1");
    }

    @AfterEach
    void stop() {
        relay.close();
        kms.stop();
        kmsIdentity.close();
        pinned.dispatcher().executorService().shutdown();
        pinned.connectionPool().evictAll();
    }

    @Test
    void sessionsTheirClientsCloseAreReleased() {
        List<WsTestClient> clients = openServed();
        for (WsTestClient c : clients) {
            c.socket().close(1000, "done");
        }
        for (WsTestClient c : clients) {
            assertEquals(1000, c.closeCode());
        }
        awaitReleased("sessions closed by their clients");
    }

    @Test
    void sessionsWhoseClientsVanishAreReleased() {
        List<WsTestClient> clients = openServed();
        for (WsTestClient c : clients) {
            c.close(); // the TCP connection is dropped without a WebSocket close
        }
        awaitReleased("sessions whose clients vanished without a close");
    }

    @Test
    void revokedSessionsAreReleased() throws Exception {
        List<WsTestClient> clients = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            String id = "Soldier_" + i;
            WsTestClient c = WsTestClient.connect(pinned, wss);
            c.send("{\"type\":\"register\",\"device_id\":\"" + id + "\",\"token\":\""
                    + kmsIdentity.devices().issueToken(id) + "\"}");
            c.next("registered");
            clients.add(c);
        }
        Await.until("the relay's revocation long-poll is parked", () -> kmsIdentity.revocations().waiting() > 0);
        for (int i = 0; i < SESSIONS; i++) {
            try (var response = pinned.newCall(new Request.Builder()
                    .url("https://127.0.0.1:" + kms.port() + "/admin/devices/Soldier_" + i)
                    .header("Authorization", "Bearer " + operatorToken()).delete().build()).execute()) {
                assertEquals(200, response.code());
            }
        }
        for (WsTestClient c : clients) {
            assertEquals(CloseCode.REVOKED.code(), c.closeCode());
        }
        awaitReleased("sessions closed by a revocation (4401)");
    }

    @Test
    void sessionsClosedAndRefusedWhileTheLinkIsRedAreReleased() {
        List<WsTestClient> clients = openServed();
        relay.switchboard().linkStatus(LinkColour.RED);
        for (WsTestClient c : clients) {
            assertEquals(CloseCode.LINK_RED.code(), c.closeCode());
        }
        for (int i = 0; i < SESSIONS; i++) {
            WsTestClient refused = WsTestClient.connect(pinned, wss);
            assertEquals(CloseCode.LINK_RED.code(), refused.closeCode());
        }
        awaitReleased("sessions closed and refused while the link is RED (4403)");
    }

    /** {@link #SESSIONS} sessions, each answered once, all counted by the gate. */
    private List<WsTestClient> openServed() {
        List<WsTestClient> clients = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            WsTestClient c = WsTestClient.connect(pinned, wss);
            c.assertAlive();
            clients.add(c);
        }
        assertEquals(SESSIONS, relay.gate().held(loopback));
        return clients;
    }

    private void awaitReleased(String what) {
        Await.until("127.0.0.1 holds no relay connection after " + what + " (still "
                + relay.gate().held(loopback) + ")", () -> relay.gate().held(loopback) == 0);
    }

    private String operatorToken() throws Exception {
        return Files.readString(home.resolve("kms/operator.token")).strip();
    }
}
