package qstcs.kms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A TLS connection that has ended gives back its descriptor: the KMS's TLS listener layers a
 * blocking TLS socket over each accepted one (less heap per idle connection), and the TCP socket
 * beneath must close with it. The client and the KMS share this process, so its descriptor count
 * returns to where it was once both sides have closed.
 */
class TlsConnectionReleaseIT {
    private static final int CONNECTIONS = 50;

    @Test
    void endedTlsConnectionsGiveBackTheirDescriptors() throws Exception {
        try (KmsTestServer kms = new KmsTestServer(KmsTestServer.tempHome())) {
            int tls = kms.server.port(KmsServer.TLS_SOCKET);
            assertEquals(200, kms.get("/link_status").code()); // the server's own first-use files are open
            long before = descriptors();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (SSLSocket s = (SSLSocket) kms.identitySocketFactory().createSocket("127.0.0.1", tls)) {
                    s.getOutputStream().write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    s.getInputStream().read(); // answered: the KMS has the connection
                }
            }
            // Half the connections as slack: a few descriptors come and go with the server's own work.
            Await.value("the KMS closes the sockets of " + CONNECTIONS + " ended connections (descriptors before: "
                    + before + ")", TlsConnectionReleaseIT::descriptors, n -> n < before + CONNECTIONS / 2);
        }
    }

    private static long descriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
