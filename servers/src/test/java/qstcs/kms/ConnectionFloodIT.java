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
