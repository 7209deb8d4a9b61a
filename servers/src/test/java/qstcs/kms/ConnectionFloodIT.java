package qstcs.kms;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that never start what they came for (no TLS handshake, no request) are closed by
 * the KMS after {@link KmsServer#READ_TIMEOUT} on both listeners, so they cannot hold its
 * connection slots or heap; while a flood of such connections is open, and after it, a device
 * still gets its key. The flood is scaled to what CI bears (the bench uses the full sizes).
 */
class ConnectionFloodIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsTestServer(KmsTestServer.tempHome());
        kms.awaitPool(512);
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    @Test
    void silentConnectionsAreClosedOnBothListeners() throws Exception {
        int plain = kms.server.port();
        int tls = kms.server.port(KmsServer.TLS_SOCKET);
        List<Socket> idle = new ArrayList<>();
        idle.add(new Socket("127.0.0.1", tls));     // never starts the TLS handshake
        idle.add(new Socket("127.0.0.1", plain));   // sends nothing
        SSLSocket tlsSilent = (SSLSocket) kms.identitySocketFactory().createSocket("127.0.0.1", tls);
        tlsSilent.startHandshake();                  // then sends nothing
        idle.add(tlsSilent);
        Socket keptAlive = new Socket("127.0.0.1", plain);  // one request, then silence
        keptAlive.getOutputStream().write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        idle.add(keptAlive);
        for (Socket s : idle) {
            // Well above the KMS's read timeout: a socket the KMS keeps open fails the test here.
            s.setSoTimeout((int) KmsServer.READ_TIMEOUT.multipliedBy(2).toMillis());
        }
        List<String> open = new ArrayList<>();
        String[] names = {"TLS port, no handshake", "plain port, no request", "TLS port, no request",
            "plain port, silent after one request"};
        for (int i = 0; i < idle.size(); i++) {
            try (Socket s = idle.get(i)) {
                if (!closedByServer(s.getInputStream())) {
                    open.add(names[i]);
                }
            }
        }
        assertEquals(List.of(), open, "connections the KMS kept open");
    }

    @Test
    void aDeviceGetsItsKeyDuringAndAfterAConnectionFlood() throws Exception {
        int tls = kms.server.port(KmsServer.TLS_SOCKET);
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                flood.add(new Socket("127.0.0.1", i % 2 == 0 ? tls : kms.server.port()));
            }
            assertEquals(200, kms.key("Soldier_Alpha", "Soldier_Bravo").code(), "during the flood");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        assertEquals(200, kms.key("Soldier_Alpha", "Soldier_Bravo").code(), "after the flood");
        assertEquals("GREEN", kms.get("/link_status").json().get("status").asText());
    }

    /**
     * A client that sends its request line and then one header byte a second never lets a read
     * time out, but its request head has a deadline: both listeners end it, and a device still
     * gets its key meanwhile.
     */
    @Test
    void aRequestHeadDribbledByteByByteIsCut() throws Exception {
        int plain = kms.server.port();
        int tls = kms.server.port(KmsServer.TLS_SOCKET);
        List<Socket> slow = List.of(new Socket("127.0.0.1", plain),
                kms.identitySocketFactory().createSocket("127.0.0.1", tls));
        long giveUp = System.nanoTime() + KmsServer.READ_TIMEOUT.multipliedBy(3).toNanos();
        List<String> open = new ArrayList<>(List.of("plain", "tls"));
        try {
            for (Socket s : slow) {
                s.getOutputStream().write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.setSoTimeout(1000);
            }
            assertEquals(200, kms.key("Soldier_Alpha", "Soldier_Bravo").code(), "while the heads dribble");
            while (!open.isEmpty() && System.nanoTime() < giveUp) {
                for (int i = 0; i < slow.size(); i++) {
                    String name = i == 0 ? "plain" : "tls";
                    if (open.contains(name) && !dribble(slow.get(i))) {
                        open.remove(name);
                    }
                }
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        assertEquals(List.of(), open, "listeners that kept a dribbling request head open");
    }

    /**
     * A flood of bare connections from several addresses, each under the per-address limits but
     * together over the listener's connection cap (scaled down to 40 here): the KMS keeps part of
     * the cap for connections that have finished their head, cuts the flood's oldest unfinished
     * connections, and answers a new connection on either listener.
     */
    @Test
    void aNewConnectionIsAnsweredWhileAFloodFromManyAddressesExceedsTheCap() throws Exception {
        int cap = 40;
        int bound = KmsServer.pendingBound(cap);
        try (KmsTestServer small = new KmsTestServer(KmsTestServer.tempHome(), java.time.InstantSource.system(),
                java.util.Map.of(), java.util.Map.of("max-tcp-connections", String.valueOf(cap)))) {
            int[] ports = {small.server.port(), small.server.port(KmsServer.TLS_SOCKET)};
            java.net.InetAddress target = java.net.InetAddress.getByName("127.0.0.1");
            for (int l = 0; l < ports.length; l++) {
                qstcs.server.http.ConnectionGate gate = small.gates.get(l);
                List<Socket> flood = new ArrayList<>();
                try {
                    for (int a = 0; a < 4; a++) {
                        java.net.InetAddress from = java.net.InetAddress.getByName("127.0.0." + (2 + a));
                        for (int i = 0; i < 15; i++) {
                            flood.add(new Socket(target, ports[l], from, 0)); // never sends a byte
                        }
                    }
                    int floodSize = flood.size();
                    qstcs.testing.Await.until("the listener took the whole flood, cutting its oldest unfinished"
                            + " connections", () -> gate.crowdedOut() >= floodSize - bound);
                    assertTrue(bound < cap && gate.pending() <= bound, "unfinished connections held: " + gate.pending());
                    boolean tls = l == 1;
                    int port = ports[l];
                    var answer = java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> statusLine(small, port, tls));
                    qstcs.testing.Await.until("a new connection is answered", answer::isDone);
                    assertEquals("HTTP/1.1 200 OK", answer.join(), tls ? "TLS" : "plain");
                } finally {
                    for (Socket s : flood) {
                        s.close();
                    }
                }
            }
        }
    }

    /**
     * Bare connections that never send a byte are closed at the silent deadline (half a second
     * here), long before the head deadline, on both listeners, and give back their descriptors.
     * Clients that have spoken are not silent, though they are older than the whole flood: a TLS
     * client that finished its handshake and a plain client that sent its request line are
     * served once they send the rest, and a device gets its key meanwhile.
     */
    @Test
    void silentConnectionsAreClosedAtTheSilentDeadlineWhileClientsThatSpokeAreServed() throws Exception {
        try (KmsTestServer quick = new KmsTestServer(KmsTestServer.tempHome(),
                java.util.Map.of("silent-deadline", "PT0.5S"))) {
            quick.awaitPool(512);
            int plain = quick.server.port();
            int tls = quick.server.port(KmsServer.TLS_SOCKET);
            byte[] requestLine = "GET /link_status HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] headRest = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            SSLSocket handshaken = (SSLSocket) quick.identitySocketFactory().createSocket("127.0.0.1", tls);
            handshaken.startHandshake();
            Socket lineSent = new Socket("127.0.0.1", plain);
            lineSent.getOutputStream().write(requestLine);
            List<Socket> flood = new ArrayList<>();
            try {
                long before = openDescriptors();
                for (int a = 0; a < 3; a++) {
                    java.net.InetAddress from = java.net.InetAddress.getByName("127.0.0." + (2 + a));
                    for (int i = 0; i < 20; i++) {
                        Socket s = new Socket(java.net.InetAddress.getByName("127.0.0.1"), i % 2 == 0 ? tls : plain, from, 0);
                        s.setSoTimeout(1);
                        flood.add(s);
                    }
                }
                assertEquals(200, quick.key("Soldier_Alpha", "Soldier_Bravo").code(), "during the flood");
                qstcs.testing.Await.until("every silent connection is closed by the KMS",
                        () -> flood.stream().allMatch(ConnectionFloodIT::endedByServer));
                for (Socket s : flood) {
                    s.close();
                }
                qstcs.testing.Await.until("the KMS gave back the silent connections' descriptors",
                        () -> openDescriptors() <= before + 4);
                handshaken.getOutputStream().write(requestLine);
                handshaken.getOutputStream().write(headRest);
                lineSent.getOutputStream().write(headRest);
                assertEquals("HTTP/1.1 200 OK", statusLine(handshaken.getInputStream()), "TLS, handshake done");
                assertEquals("HTTP/1.1 200 OK", statusLine(lineSent.getInputStream()), "plain, request line sent");
                assertTrue(quick.gates.get(0).silentCut() + quick.gates.get(1).silentCut() >= flood.size(),
                        "cut as silent: " + quick.gates.get(0).silentCut() + " + " + quick.gates.get(1).silentCut());
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
                handshaken.close();
                lineSent.close();
            }
        }
    }

    /** True once the server ended the connection (a read sees the end, or a reset). */
    private static boolean endedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A TLS connection that ends gives back its TCP socket at once, whichever side ends it: a
     * client that closes after its answer, and a client that stops in the middle of its handshake
     * (the gate cuts it). Helidon layers its TLS socket over the accepted one and, when the
     * connection ends, closes only the TLS layer; the socket beneath then stayed open (a descriptor
     * in CLOSE_WAIT, and a place among its address's established connections at the gate) until
     * the process ended.
     */
    @Test
    void anEndedTlsConnectionGivesBackItsSocket() throws Exception {
        int tls = kms.server.port(KmsServer.TLS_SOCKET);
        qstcs.server.http.ConnectionGate gate = kms.gates.get(1);
        java.net.InetAddress local = java.net.InetAddress.getByName("127.0.0.1");
        assertEquals("HTTP/1.1 200 OK", statusLine(kms, tls, true), "warm-up");
        qstcs.testing.Await.until("the warm-up connection is forgotten", () -> gate.held(local) == 0);
        long before = openDescriptors();
        int connections = 40;
        for (int i = 0; i < connections; i++) {
            assertEquals("HTTP/1.1 200 OK", statusLine(kms, tls, true));
        }
        qstcs.testing.Await.until("the gate no longer counts the ended connections (held "
                + gate.held(local) + ")", () -> gate.held(local) == 0);
        long after = openDescriptors();
        assertTrue(after < before + connections / 2, "descriptors " + before + " before, " + after + " after "
                + connections + " ended TLS connections");
    }

    /** Descriptors this JVM (client and KMS) holds now. */
    private static long openDescriptors() {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The status line of the response on {@code in}. */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    /** The status line of {@code GET /link_status} on a new connection. */
    private static String statusLine(KmsTestServer server, int port, boolean tls) {
        try (Socket s = tls ? server.identitySocketFactory().createSocket("127.0.0.1", port)
                : new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder line = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends one more header byte and waits a second for the server; false once it ended the connection. */
    private static boolean dribble(Socket s) throws IOException {
        try {
            s.getOutputStream().write('a');
            s.getOutputStream().flush();
            return s.getInputStream().read() >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return true; // still open, still waiting for the rest of the head
        } catch (SocketException e) {
            return false;
        }
    }

    /** Reads until the server ends the connection (true), whatever it sends before that. */
    private static boolean closedByServer(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // an error reply before the close is fine
            }
            return true;
        } catch (SocketException e) {
            return true; // reset by the server
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
