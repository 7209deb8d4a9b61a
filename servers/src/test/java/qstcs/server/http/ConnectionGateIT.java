package qstcs.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate on a real Helidon listener without a socket read timeout or a short idle sweep (as
 * the relay's): its header deadline holds for every request head of a kept-alive connection,
 * not only the first. A deadline of 800 ms keeps the test short.
 */
class ConnectionGateIT {
    private static final Duration DEADLINE = Duration.ofMillis(800);

    private GatedPingServer server;
    private ConnectionGate gate;

    @BeforeEach
    void start() {
        server = new GatedPingServer(new ConnectionGate.Limits(DEADLINE, 32, 256));
        gate = server.gate();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aLaterRequestHeadDribbledByteByByteIsCut() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(GatedPingServer.PING);
            assertEquals("pong", GatedPingServer.readResponseBody(s.getInputStream()));
            Thread dribbler = Thread.ofPlatform().daemon().start(() -> dribble(s));
            s.setSoTimeout(1);
            Await.until("the second request head, one byte every 100 ms, is cut",
                    Duration.ofSeconds(15), () -> endedByServer(s));
            dribbler.interrupt();
        }
        Await.until("the cut is counted", () -> gate.timedOut() >= 1);
    }

    /** The deadline runs per head: a client that keeps sending whole requests is never cut. */
    @Test
    void aKeptAliveConnectionSendingWholeRequestsOutlivesTheDeadline() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            long start = System.nanoTime();
            int served = 0;
            while (System.nanoTime() - start < DEADLINE.multipliedBy(3).toNanos()) {
                s.getOutputStream().write(GatedPingServer.PING);
                assertEquals("pong", GatedPingServer.readResponseBody(s.getInputStream()));
                served++;
                Thread.sleep(DEADLINE.toMillis() / 4); // pacing: a client with pauses below the deadline
            }
            assertTrue(served > 4, "served " + served);
        }
        assertEquals(0, gate.timedOut());
    }

    private static void dribble(Socket s) {
        byte[] head = ("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(4000))
                .getBytes(StandardCharsets.US_ASCII);
        try {
            OutputStream out = s.getOutputStream();
            for (byte b : head) {
                out.write(b);
                out.flush();
                Thread.sleep(100);
            }
        } catch (IOException | InterruptedException e) {
            // cut by the server, or the test is over
        }
    }

    private static boolean endedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }
}
