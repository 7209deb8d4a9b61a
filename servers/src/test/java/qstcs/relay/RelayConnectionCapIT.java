package qstcs.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import qstcs.server.http.ConnectionGate;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay whose listener holds its cap (scaled down to 6 here; the full size, the cap from the
 * heap, is {@code ./qstcs bench hostile --only idle}) closes every newer connection at once,
 * before a TLS handshake, instead of taking it on; the connections it holds are still served (a
 * registered device's frames are relayed); it counts the refusals and logs the burst once; and
 * it takes new connections again as soon as some have ended. On both socket I/Os, in the
 * production set-up ({@code wss}, device tokens checked with the KMS identity routes).
 */
class RelayConnectionCapIT {

    private static final int CAP = 6;
    private static final int EXTRA = 3;

    @TempDir
    Path home;

    @ParameterizedTest
    @EnumSource(RelaySettings.Io.class)
    void aFullRelayRefusesNewcomersAtOnceKeepsRelayingAndTakesThemAgainWhenSomeLeave(RelaySettings.Io io)
            throws Exception {
        RelaySettings settings = RelaySettings.loopbackForTests().withIo(io)
                .withLimits(RelayLimits.DEFAULT.withMaxConnections(CAP));
        CapLog log = CapLog.attach();
        List<RawWsClient> crowd = new ArrayList<>();
        try (RelayWithDeviceIdentity rig = new RelayWithDeviceIdentity(home, settings);
             WsTestClient alpha = rig.register("Soldier_Alpha", rig.issueToken("Soldier_Alpha"));
             WsTestClient bravo = rig.register("Soldier_Bravo", rig.issueToken("Soldier_Bravo"))) {
            RelayServer relay = rig.relay();
            assertEquals(CAP, relay.maxConnections());
            alpha.next("registered");
            bravo.next("registered");
            SSLSocketFactory tls = rig.pinnedSockets();
            InetAddress crowdAddress = InetAddress.getByName("127.0.0.2");
            for (int i = 2; i < CAP; i++) {
                crowd.add(upgraded(tls, relay.port(), crowdAddress));
            }
            Await.until("the relay holds its cap of " + CAP, () -> relay.gate().held() == CAP);

            InetAddress newcomers = InetAddress.getByName("127.0.0.3");
            for (int i = 0; i < EXTRA; i++) {
                int n = i;
                assertThrows(IOException.class, () -> upgraded(tls, relay.port(), newcomers).close(),
                        "newcomer " + n + " past the cap was served");
            }
            assertEquals(EXTRA, relay.gate().refusedOverCap());

            alpha.send(WsTestClient.chat("m1", "Soldier_Alpha", "Soldier_Bravo", "00aa"));
            JsonNode relayed = bravo.nextWithId("m1");
            assertEquals("Soldier_Alpha", relayed.get("sender").asText(), "a held device's frame is relayed");
            for (RawWsClient c : crowd) {
                assertTrue(answersPing(c), "a held connection is still served");
            }

            crowd.remove(crowd.size() - 1).close();
            crowd.remove(crowd.size() - 1).close();
            Await.until("the relay counts the two that left", () -> relay.gate().held() <= CAP - 2);
            crowd.add(upgraded(tls, relay.port(), newcomers));
            try (Response stats = rig.pinned().newCall(new Request.Builder()
                    .url("https://127.0.0.1:" + relay.port() + "/stats").build()).execute()) {
                JsonNode body = WsTestClient.JSON.readTree(stats.body().string());
                assertEquals(CAP, body.get("max_connections").asInt());
                assertEquals(EXTRA, body.get("refused_over_cap").asInt());
            }
            assertEquals(1, log.burstsStarted(), "one log line for the burst, not one per connection");
        } finally {
            for (RawWsClient c : crowd) {
                c.close();
            }
            log.detach();
        }
    }

    /** A raw TLS connection from {@code from} that has finished its handshake and a WebSocket upgrade. */
    static RawWsClient upgraded(SSLSocketFactory tls, int port, InetAddress from) throws IOException {
        Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
        try {
            // Bounds a wait for an answer that never comes (without the cap the handshake is served).
            tcp.setSoTimeout(30_000);
            SSLSocket s = (SSLSocket) tls.createSocket(tcp, "127.0.0.1", port, true);
            s.startHandshake();
            return new RawWsClient(s, port);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /** Whether an upgraded connection answers a ping with a pong. */
    static boolean answersPing(RawWsClient c) throws IOException {
        c.send(0x9, new byte[0]);
        return c.next(0xA) != null;
    }

    /** Counts the connection gate's "cap reached" lines while attached. */
    private static final class CapLog extends Handler {
        private static final Logger GATE = Logger.getLogger(ConnectionGate.class.getName());
        private int started;

        static CapLog attach() {
            CapLog log = new CapLog();
            GATE.addHandler(log);
            return log;
        }

        void detach() {
            GATE.removeHandler(this);
        }

        synchronized int burstsStarted() {
            return started;
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getMessage() != null
                    && r.getMessage().startsWith("connection cap reached")) {
                started++;
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
