package qstcs.crypto.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real TLS handshakes (JDK HTTPS server and HttpClient) against the pinned-CA trust. */
class PinnedCaTrustTest {

    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(TestPki.Server identity) throws Exception {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(identity.serverContext()));
        server.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static String get(URI uri, CaFingerprint pin) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(pin).sslContext())
                .connectTimeout(Duration.ofSeconds(30)).build()) {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void serverIssuedByThePinnedCaIsAccepted() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        URI uri = serve(TestPki.server(ca, List.of("localhost", "127.0.0.1")));
        assertEquals("hello", get(uri, ca.fingerprint()));
    }

    @Test
    void serverFromAnotherCaIsRefusedNamingBothFingerprints() throws Exception {
        TestPki.Ca pinned = TestPki.ca("QSTCS test CA");
        TestPki.Ca other = TestPki.ca("QSTCS test CA"); // same name, different key: a recreated or rogue CA
        URI uri = serve(TestPki.server(other, List.of("127.0.0.1")));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, pinned.fingerprint()));
        String message = causeMessages(e);
        assertTrue(message.contains("certificate not issued by the pinned QSTCS CA"), message);
        assertTrue(message.contains("expected " + pinned.fingerprint()), message);
        assertTrue(message.contains(other.fingerprint().toString()), message);
    }

    @Test
    void genuineCaCertificateInAForgedChainIsRefused() throws Exception {
        TestPki.Ca pinned = TestPki.ca("QSTCS test CA");
        TestPki.Ca rogue = TestPki.ca("QSTCS test CA");
        Instant now = Instant.now();
        // The attacker appends the real CA certificate (public) below a leaf signed by its own key.
        URI uri = serve(TestPki.server(rogue, pinned.cert(), List.of("127.0.0.1"), now.minusSeconds(60),
                now.plusSeconds(3600), true));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, pinned.fingerprint()));
        assertTrue(causeMessages(e).contains("does not validate against the pinned QSTCS CA"), causeMessages(e));
    }

    @Test
    void chainWithoutTheCaIsRefused() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        Instant now = Instant.now();
        URI uri = serve(TestPki.server(ca, null, List.of("127.0.0.1"), now.minusSeconds(60), now.plusSeconds(3600), true));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, ca.fingerprint()));
        assertTrue(causeMessages(e).contains("not issued by the pinned QSTCS CA"), causeMessages(e));
    }

    @Test
    void certificateForAnotherHostIsRefused() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        URI uri = serve(TestPki.server(ca, List.of("kms.example", "10.9.9.9")));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, ca.fingerprint()));
        assertTrue(causeMessages(e).contains("not valid for host '127.0.0.1'"), causeMessages(e));
    }

    @Test
    void expiredServerCertificateIsRefused() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        Instant now = Instant.now();
        URI uri = serve(TestPki.server(ca, ca.cert(), List.of("127.0.0.1"), now.minusSeconds(7200),
                now.minusSeconds(3600), true));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, ca.fingerprint()));
        assertTrue(causeMessages(e).contains("does not validate"), causeMessages(e));
    }

    @Test
    void certificateWithoutServerAuthUsageIsRefused() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        Instant now = Instant.now();
        URI uri = serve(TestPki.server(ca, ca.cert(), List.of("127.0.0.1"), now.minusSeconds(60),
                now.plusSeconds(3600), false));
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> get(uri, ca.fingerprint()));
        assertTrue(causeMessages(e).contains("not meant for TLS servers"), causeMessages(e));
    }

    @Test
    void theJdkDefaultTrustRefusesAQstcsServer() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        URI uri = serve(TestPki.server(ca, List.of("127.0.0.1")));
        try (HttpClient client = HttpClient.newHttpClient()) {
            assertThrows(SSLHandshakeException.class,
                    () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void hostMatchingFollowsSubjectAltNames() throws Exception {
        TestPki.Ca ca = TestPki.ca("QSTCS test CA");
        var leaf = TestPki.server(ca, List.of("*.lan.example", "kms.example", "192.168.1.20", "::1")).chain()[0];
        PinnedCaTrustManager.checkHost(leaf, "kms.example");
        PinnedCaTrustManager.checkHost(leaf, "KMS.Example.");
        PinnedCaTrustManager.checkHost(leaf, "a.lan.example");
        PinnedCaTrustManager.checkHost(leaf, "192.168.1.20");
        PinnedCaTrustManager.checkHost(leaf, "[::1]");
        PinnedCaTrustManager.checkHost(leaf, "0:0:0:0:0:0:0:1");
        for (String bad : List.of("lan.example", "a.b.lan.example", "kms.example.evil", "192.168.1.2", "evil", "::2")) {
            assertThrows(java.security.cert.CertificateException.class, () -> PinnedCaTrustManager.checkHost(leaf, bad), bad);
        }
    }

    private static String causeMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
