package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.wire.CloseCode;
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
    private RelayWithDeviceIdentity rig;
    private RelayServer relay;
    private OkHttpClient pinned;
    private InetAddress loopback;

    @BeforeEach
    void start() throws Exception {
        rig = new RelayWithDeviceIdentity(home);
        relay = rig.relay();
        pinned = rig.pinned();
        loopback = InetAddress.getByName("127.0.0.1");
    }

    @AfterEach
    void stop() {
        rig.close();
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
            WsTestClient c = rig.register(id, rig.issueToken(id));
            c.next("registered");
            clients.add(c);
        }
        Await.until("the relay's revocation long-poll is parked", rig::revocationFeedParked);
        for (int i = 0; i < SESSIONS; i++) {
            assertEquals(200, rig.revoke("Soldier_" + i));
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
            WsTestClient refused = WsTestClient.connect(pinned, rig.wss());
            assertEquals(CloseCode.LINK_RED.code(), refused.closeCode());
        }
        awaitReleased("sessions closed and refused while the link is RED (4403)");
    }

    /** {@link #SESSIONS} sessions, each answered once, all counted by the gate. */
    private List<WsTestClient> openServed() {
        List<WsTestClient> clients = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            WsTestClient c = WsTestClient.connect(pinned, rig.wss());
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
}
