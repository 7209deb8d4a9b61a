package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.relay.auth.Admission;
import qstcs.server.http.ConnectionGate;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's event loop ({@code --io loop}) on what other tests do not reach: frames split at
 * every byte and across fragments with real masks, a client's close echoed, framing errors, the
 * HTTP hand-off and an oversized head, and the idle limit (shortened to 1 s).
 */
class LoopTransportIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private RelayServer relay;
    private int port;

    @BeforeEach
    void start() {
        relay = RelayServer.start(RelaySettings.loopbackForTests().withIo(RelaySettings.Io.LOOP));
        port = relay.port();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void framesSplitAtEveryByteAndAcrossFragmentsArriveWhole() throws Exception {
        try (Client c = new Client(port)) {
            byte[] register = "{\"type\":\"register\",\"device_id\":\"Loop_Alpha\"}".getBytes(StandardCharsets.UTF_8);
            // Three fragments (text, continuation, final continuation), each with its own mask,
            // written one byte at a time.
            byte[] wire = concat(c.frame(0x1, false, slice(register, 0, 5)),
                    c.frame(0x0, false, slice(register, 5, 20)), c.frame(0x0, true, slice(register, 20, register.length)));
            for (byte b : wire) {
                c.out.write(b);
                c.out.flush();
            }
            assertTrue(c.next(0x1).text().startsWith("{\"type\":\"registered\""));
            // A ping between the fragments of a message is answered in place (RFC 6455 5.4).
            byte[] ping = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
            c.out.write(concat(c.frame(0x1, false, slice(ping, 0, 3)), c.frame(0x9, true, "hi".getBytes()),
                    c.frame(0x0, true, slice(ping, 3, ping.length))));
            c.out.flush();
            assertEquals("hi", c.next(0xA).text());
            assertTrue(c.next(0x1).text().contains("pong"));
            // A client's close is answered with its code, then the connection ends.
            c.out.write(c.frame(0x8, true, new byte[] {0x03, (byte) 0xE8}));
            c.out.flush();
            Frame close = c.next(0x8);
            assertEquals(1000, (close.payload[0] & 0xff) << 8 | (close.payload[1] & 0xff));
            assertNull(c.next(), "nothing after the close");
        }
    }

    /**
     * A frame larger than one read of the relay, behind a 7-byte frame: its payload is read in
     * pieces that do not start at a multiple of 4, so each piece must be unmasked from where the
     * previous one ended.
     */
    @Test
    void aFrameReadInSeveralPiecesIsUnmaskedWhole() throws Exception {
        try (Client alpha = new Client(port);
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port, "Loop_Bravo")) {
            alpha.out.write(alpha.frame(0x1, true,
                    "{\"type\":\"register\",\"device_id\":\"Loop_Alpha\"}".getBytes(StandardCharsets.UTF_8)));
            alpha.out.flush();
            assertTrue(alpha.next(0x1).text().startsWith("{\"type\":\"registered\""));
            String chat = WsTestClient.chat("big-1", "Loop_Alpha", "Loop_Bravo", "0123456789abcdef".repeat(2500));
            alpha.out.write(concat(alpha.frame(0x9, true, new byte[] {7}),
                    alpha.frame(0x1, true, chat.getBytes(StandardCharsets.UTF_8))));
            alpha.out.flush();
            assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree(chat), bravo.nextWithId("big-1"));
        }
    }

    @Test
    void framingErrorsEndTheConnectionWithAProtocolError() throws Exception {
        byte[][] broken = {
                {(byte) 0x81, 0x01, 'x'},                     // unmasked client frame
                {(byte) 0x80, (byte) 0x81, 0, 0, 0, 0, 'x'},   // continuation without a message
                {(byte) 0x91, (byte) 0x81, 0, 0, 0, 0, 'x'},   // RSV1 without an extension
                {(byte) 0x09, (byte) 0x81, 0, 0, 0, 0, 'x'},   // fragmented ping
        };
        for (byte[] frame : broken) {
            try (Client c = new Client(port)) {
                c.out.write(frame);
                c.out.flush();
                Frame close = c.next(0x8);
                assertTrue(close != null, "a close frame");
                assertEquals(1002, (close.payload[0] & 0xff) << 8 | (close.payload[1] & 0xff));
                assertNull(c.next());
            }
        }
    }

    @Test
    void plainHttpRequestsAreAnsweredByTheRelaysRoutes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stats.statusCode());
        assertTrue(stats.body().startsWith("{\"link_status\":"), stats.body());
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nope"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode());
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(426, root.statusCode());
        // The answer ends with the connection even when the client asked to keep it: a TLS client
        // closing it waits for the relay's close_notify, which follows the end of the answer.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stats HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.contains("{\"link_status\":"), answer);
        }
        // A head beyond 16 KiB is refused without reaching the routes.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /stats HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(20_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        }
    }

    @Test
    void aLoopThatPausesToGatherFramesDeliversEverythingInOrder() {
        // The longest pause, so that a pause is nearly always under way: frames, acks, a register
        // finished on another thread (which ends a pause) and a ping all still get through.
        relay.close();
        relay = RelayServer.start(RelaySettings.loopbackForTests().withIo(RelaySettings.Io.LOOP)
                .withWakePause(RelaySettings.MAX_WAKE_PAUSE));
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Pause_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Pause_Bravo")) {
            int n = 300;
            for (int i = 0; i < n; i++) {
                alpha.send(WsTestClient.chat("p-" + i, "Pause_Alpha", "Pause_Bravo", "m" + i));
            }
            try (WsTestClient charlie = WsTestClient.register(WsTestClient.HTTP, relay.port(), "Pause_Charlie")) {
                charlie.send("{\"type\":\"ping\"}");
                charlie.next("pong");
            }
            for (int i = 0; i < n; i++) {
                assertEquals("p-" + i, bravo.next("chat").path("id").asText());
                com.fasterxml.jackson.databind.JsonNode ack = alpha.next("ack");
                assertEquals("p-" + i, ack.path("id").asText());
                assertEquals("delivered", ack.path("status").asText(), ack.toString());
            }
        }
    }

    @Test
    void aSilentDeviceIsClosedAfterTheIdleLimitAndAPingingOneIsNot() throws Exception {
        Switchboard board = new Switchboard(RelayLimits.DEFAULT, Admission.OPEN, System::nanoTime);
        try (ConnectionGate gate = new ConnectionGate(ConnectionGate.Limits.DEFAULT);
             LoopTransport loop = LoopTransport.start("127.0.0.1", 0, 1, null, null, board, gate,
                     new InetSocketAddress("127.0.0.1", 9), Duration.ofSeconds(1), Duration.ofMillis(200),
                     RelaySettings.DEFAULT_WAKE_PAUSE, RelayServer.lentBudget(RelayLimits.DEFAULT));
             WsTestClient silent = WsTestClient.register(WsTestClient.HTTP, loop.port(), "Idle_Silent");
             WsTestClient pinging = WsTestClient.register(WsTestClient.HTTP, loop.port(), "Idle_Pinging")) {
            Await.until("the silent device is closed after 1 s", () -> {
                pinging.assertAlive();
                return silent.closed.isDone();
            });
            assertFalse(pinging.closed.isDone(), "a device that pings is never idle");
            pinging.assertAlive();
        }
    }

    private record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A bare WebSocket client whose frames carry random masks. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            // Each byte its own segment: the relay reads frames in pieces that split headers and masks.
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            if (!head.toString().startsWith("HTTP/1.1 101") || !head.toString().contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")) {
                throw new IOException("no upgrade: " + head);
            }
        }

        byte[] frame(int opcode, boolean fin, byte[] payload) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            int n = payload.length;
            byte[] header = n < 126 ? new byte[] {(byte) ((fin ? 0x80 : 0) | opcode), (byte) (0x80 | n)}
                    : new byte[] {(byte) ((fin ? 0x80 : 0) | opcode), (byte) (0x80 | 126), (byte) (n >>> 8), (byte) n};
            byte[] f = new byte[header.length + 4 + n];
            System.arraycopy(header, 0, f, 0, header.length);
            System.arraycopy(mask, 0, f, header.length, 4);
            for (int i = 0; i < n; i++) {
                f[header.length + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
            }
            return f;
        }

        Frame next() throws IOException {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int len = in.read() & 0x7f;
            if (len == 126) {
                len = in.read() << 8 | in.read();
            }
            return new Frame(b0 & 0x0f, in.readNBytes(len));
        }

        Frame next(int opcode) throws IOException {
            Frame f;
            while ((f = next()) != null && f.opcode() != opcode) {
                // skip
            }
            return f;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
