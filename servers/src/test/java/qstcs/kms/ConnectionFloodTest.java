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
class ConnectionFloodTest {
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
        for (Socket s : idle) {
            // Well above the KMS's read timeout: a socket the KMS keeps open fails the test here.
            s.setSoTimeout((int) KmsServer.READ_TIMEOUT.multipliedBy(2).toMillis());
        }
        List<String> open = new ArrayList<>();
        String[] names = {"TLS port, no handshake", "plain port, no request", "TLS port, no request"};
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
