package qstcs.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;

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
    private static final byte[] REQUEST = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ConnectionGate gate;
    private WebServer server;

    @BeforeEach
    void start() {
        gate = new ConnectionGate(new ConnectionGate.Limits(DEADLINE, 32, 256));
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .connectionOptions(gate.socketOptions(SocketOptions.builder().build()))
                .routing(r -> r.addFilter(gate.filter()).get("/ping", (req, res) -> res.send("pong")))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        gate.close();
    }

    @Test
    void aLaterRequestHeadDribbledByteByByteIsCut() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(REQUEST);
            assertEquals("pong", readResponseBody(s.getInputStream()));
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
                s.getOutputStream().write(REQUEST);
                assertEquals("pong", readResponseBody(s.getInputStream()));
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

    /** Reads one response with a Content-Length body and returns the body. */
    static String readResponseBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection ended inside a response head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
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
