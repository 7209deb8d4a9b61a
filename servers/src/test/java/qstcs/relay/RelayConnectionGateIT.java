package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.server.http.ConnectionGate;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay has no socket read timeout (a registered device may stay silent for minutes), so
 * without its connection gate a half-sent upgrade request, or thousands of connections that never
 * send one, would hold it forever. Here they are cut, and a pair of devices keeps chatting. The
 * flooding address is 127.0.0.2 (all of 127/8 is loopback on Linux), the devices use 127.0.0.1.
 */
class RelayConnectionGateIT {

    private static final InetAddress FLOODER = address("127.0.0.2");
    private RelayServer relay;

    @BeforeEach
    void start() {
        relay = RelayServer.start(RelaySettings.loopbackForTests());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void aHalfSentUpgradeRequestIsCut() throws Exception {
        try (Socket half = new Socket("127.0.0.1", relay.port())) {
            half.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            half.setSoTimeout(1);
            devicesStillChat("half");
            Await.until("the relay ends a request head unfinished after "
                            + ConnectionGate.Limits.DEFAULT.headerDeadline(),
                    ConnectionGate.Limits.DEFAULT.headerDeadline().multipliedBy(3), () -> endedByServer(half));
        }
    }

    /** An upgraded connection is past its head: no deadline cuts a device that then stays silent. */
    @Test
    void anUpgradedDeviceIsNoLongerUnderTheHeadDeadline() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Soldier_Alpha")) {
            Await.until("the device's connection counts as established",
                    () -> relay.gate().pending(loopback) == 0 && relay.gate().held(loopback) >= 1);
            alpha.assertAlive();
        }
    }

    @Test
    void oneAddressHoldsAtMostItsPendingLimitOfSilentConnections() throws Exception {
        int flood = 200;
        int limit = ConnectionGate.Limits.DEFAULT.pendingPerAddress();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < flood; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port(), FLOODER, 0);
                s.setSoTimeout(1);
                sockets.add(s);
            }
            devicesStillChat("flood");
            Await.until("all but " + limit + " of " + flood + " silent connections of one address are cut",
                    () -> sockets.stream().filter(RelayConnectionGateIT::endedByServer).count() >= flood - limit);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        devicesStillChat("after");
    }

    /**
     * Several addresses, each under its own limits, together open more silent connections than
     * the listener's bound on unfinished connections (scaled down to 20 here): the oldest are cut,
     * the relay holds no more than the bound, and devices keep chatting.
     */
    @Test
    void theListenerHoldsAtMostItsPendingLimitOfSilentConnectionsFromManyAddresses() throws Exception {
        relay.close();
        RelayLimits d = RelayLimits.DEFAULT;
        int bound = 20;
        relay = RelayServer.start(RelaySettings.loopbackForTests().withLimits(new RelayLimits(d.maxFrameBytes(),
                d.ratePerSecond(), d.rateBurst(), d.queueFrames(), d.queueBytes(), d.queueTtl(), d.totalQueueBytes(),
                d.outboundBytes(), d.openPerAddress(), d.pendingPerAddress(), bound, d.silentDeadline())));
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int a = 0; a < 4; a++) {
                InetAddress from = address("127.0.0." + (2 + a));
                for (int i = 0; i < 15; i++) {
                    sockets.add(new Socket(InetAddress.getLoopbackAddress(), relay.port(), from, 0));
                }
            }
            int flood = sockets.size();
            Await.until("the oldest " + (flood - bound) + " of " + flood + " silent connections are cut",
                    () -> relay.gate().crowdedOut() >= flood - bound);
            assertTrue(relay.gate().pending() <= bound, "unfinished connections held: " + relay.gate().pending());
            devicesStillChat("many");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * Connections that never send a byte are cut at the silent deadline (half a second here),
     * long before the head deadline, while devices chat; a client that sent its request line
     * before the flood began is older than all of it, yet it has spoken and is answered once its
     * head is complete.
     */
    @Test
    void silentConnectionsAreCutAtTheSilentDeadlineWhileAClientThatSpokeIsServed() throws Exception {
        relay.close();
        relay = RelayServer.start(RelaySettings.loopbackForTests().withLimits(
                RelayLimits.DEFAULT.withSilentDeadline(java.time.Duration.ofMillis(500))));
        List<Socket> sockets = new ArrayList<>();
        try (Socket spoke = new Socket("127.0.0.1", relay.port())) {
            spoke.getOutputStream().write("GET /stats HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            int flood = ConnectionGate.Limits.DEFAULT.pendingPerAddress() - 2;
            for (int i = 0; i < flood; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port(), FLOODER, 0);
                s.setSoTimeout(1);
                sockets.add(s);
            }
            devicesStillChat("silent");
            Await.until("every silent connection is cut",
                    () -> sockets.stream().allMatch(RelayConnectionGateIT::endedByServer));
            spoke.getOutputStream().write("Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder status = new StringBuilder();
            InputStream in = spoke.getInputStream();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                status.append((char) c);
            }
            assertEquals("HTTP/1.1 200 OK", status.toString());
            assertTrue(relay.gate().silentCut() >= flood, "cut as silent: " + relay.gate().silentCut());
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private void devicesStillChat(String tag) {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Soldier_Bravo")) {
            alpha.send(WsTestClient.chat(tag + "-ab", "Soldier_Alpha", "Soldier_Bravo", "01"));
            bravo.nextWithId(tag + "-ab");
        }
    }

    /** True once the server ended the connection (a read sees the end, or a reset). */
    private static boolean endedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
