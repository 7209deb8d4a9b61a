package qstcs.server.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of bare connections spread over several addresses, each address under its own limits,
 * on a listener with a connection cap (as the KMS's): the gate's listener-wide bound on unfinished
 * connections, below the cap, keeps the listener accepting, so a new legitimate connection is
 * served. Scaled down: a cap of 40, a bound of 20, 60 flood connections from four addresses. The
 * head and silent deadlines are far longer than the test, so only the listener-wide bound can
 * free the cap.
 */
class ListenerFloodIT {
    private static final int CAP = 40;
    private static final int BOUND = CAP / 2;
    private static final int ADDRESSES = 4;
    private static final int PER_ADDRESS = 15;

    private GatedPingServer server;
    private ConnectionGate gate;

    @BeforeEach
    void start() {
        server = new GatedPingServer(new ConnectionGate.Limits(Duration.ofMinutes(5), 32, 256, BOUND, Duration.ofMinutes(5)),
                CAP);
        gate = server.gate();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aNewConnectionIsServedWhileAFloodFromManyAddressesExceedsTheCap() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            floodFrom(2, ADDRESSES, flood);
            int floodSize = flood.size();
            Await.until("the listener took the whole flood, cutting its oldest unfinished connections",
                    () -> gate.crowdedOut() >= floodSize - BOUND);
            assertTrue(gate.pending() <= BOUND, "unfinished connections held: " + gate.pending());

            CompletableFuture<String> answer = CompletableFuture.supplyAsync(server::ping);
            Await.until("a new legitimate connection is answered", answer::isDone);
            assertEquals("pong", answer.join());
            assertTrue(gate.pending() <= BOUND, "unfinished connections held: " + gate.pending());
            assertEquals(0, gate.evicted(), "no address went over its own limit");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    /**
     * A legitimate connection slow to send its head (a TLS handshake on a busy server) is older
     * than the whole flood that follows it, yet the flood's addresses, each holding many
     * unfinished connections, lose theirs first: it is served once its head arrives.
     */
    @Test
    void theOldestUnfinishedConnectionOfAQuietAddressIsPassedOver() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            Await.until("the slow connection is accepted", () -> gate.pending() == 1);
            floodFrom(2, ADDRESSES, flood);
            int floodSize = flood.size();
            Await.until("the listener took the whole flood", () -> gate.crowdedOut() >= floodSize + 1 - BOUND);
            slow.getOutputStream().write(GatedPingServer.PING);
            CompletableFuture<String> answer = GatedPingServer.answerOn(slow);
            Await.until("the slow connection is answered", answer::isDone);
            assertEquals("pong", answer.join());
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    /**
     * A legitimate connection that has sent its request line but not yet the rest of its head
     * (as a TLS handshake on a busy server: it has spoken, it is not finished) is the oldest
     * unfinished connection, and its own address then floods the listener too, so the address
     * rule alone would pick it: a connection that has spoken is passed over while any silent one
     * is left, and it is served once its head is complete.
     */
    @Test
    void aConnectionThatHasSpokenIsPassedOverWhileSilentOnesAreLeft() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try (Socket slow = new Socket("127.0.0.1", server.port())) {
            slow.getOutputStream().write("GET /ping HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the slow connection's request line is read", () -> gate.pending() == 1
                    && gate.spokenPending() == 1);
            floodFrom(1, 2, flood); // 127.0.0.1 is the slow one's
            int floodSize = flood.size();
            Await.until("the listener took the whole flood", () -> gate.crowdedOut() >= floodSize + 1 - BOUND);
            slow.getOutputStream().write("Host: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<String> answer = GatedPingServer.answerOn(slow);
            Await.until("the slow connection is answered", answer::isDone);
            assertEquals("pong", answer.join());
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    /**
     * {@value #PER_ADDRESS} connections that never send a byte from each of {@code addresses}
     * addresses, 127.0.0.{@code first} on, added to {@code flood} as they connect.
     */
    private void floodFrom(int first, int addresses, List<Socket> flood) throws IOException {
        InetAddress target = InetAddress.getByName("127.0.0.1");
        for (int a = 0; a < addresses; a++) {
            InetAddress from = InetAddress.getByName("127.0.0." + (first + a));
            for (int i = 0; i < PER_ADDRESS; i++) {
                flood.add(new Socket(target, server.port(), from, 0));
            }
        }
    }
}
