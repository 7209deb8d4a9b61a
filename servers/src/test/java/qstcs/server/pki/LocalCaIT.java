package qstcs.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.tls.PinnedCaTrust;

class LocalCaIT {

    @TempDir
    Path home;

    @Test
    void caIsCreatedOnceWithOwnerOnlyFilesAndReloadedUnchanged() throws Exception {
        Path kms = home.resolve("kms");
        LocalCa first = LocalCa.loadOrCreate(kms, Clock.systemUTC());
        for (String f : List.of(LocalCa.CERT_FILE, LocalCa.KEY_FILE)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kms.resolve(f))), f);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kms)));
        LocalCa again = LocalCa.loadOrCreate(kms, Clock.systemUTC());
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.fingerprint(), pin(LocalCa.readCertificate(kms)));
        assertEquals("EC", first.certificate().getPublicKey().getAlgorithm());
        assertTrue(first.certificate().getBasicConstraints() >= 0, "CA certificate must be a CA");
        assertFalse(first.toString().contains("PRIVATE"));
    }

    @Test
    void concurrentFirstStartsAgreeOnOneCa() throws Exception {
        Path kms = home.resolve("kms");
        List<CompletableFuture<LocalCa>> starts = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return LocalCa.loadOrCreate(kms, Clock.systemUTC());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                })).toList();
        Set<Object> fingerprints = new java.util.HashSet<>();
        for (var f : starts) {
            fingerprints.add(f.get().fingerprint());
        }
        assertEquals(1, fingerprints.size());
    }

    @Test
    void serverCertificateCarriesTheRequestedNamesAndOnlyServerUsage() throws Exception {
        LocalCa ca = LocalCa.create(Clock.systemUTC());
        ServerIdentity id = ca.issueServer("relay", List.of("localhost", "127.0.0.1", "relay.lan", "10.0.0.7", "[::1]"),
                Duration.ofDays(30));
        var sans = id.certificate().getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "relay.lan", "10.0.0.7")), sans.toString());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), id.certificate().getExtendedKeyUsage());
        assertEquals(-1, id.certificate().getBasicConstraints());
        id.certificate().verify(ca.certificate().getPublicKey());
        assertEquals(ca.fingerprint(), id.caFingerprint());
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer("x", List.of("bad name!"), Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> ca.issueServer("x", List.of(), Duration.ofDays(1)));
    }

    @Test
    void localSansIncludeLoopbackAndExtras() {
        Set<String> sans = HostNames.localSans(List.of("kms.field.example"));
        assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "kms.field.example")), sans.toString());
        LocalCa.create(Clock.systemUTC()).issueServer("kms", sans, Duration.ofDays(1)); // every local name is a valid SAN
    }

    @Test
    void pemFileRoundTripsAndServesTlsThatOnlyThePinnedClientAccepts() throws Exception {
        LocalCa ca = LocalCa.create(Clock.systemUTC());
        Path file = home.resolve("relay.pem");
        ca.issueServer("relay", List.of("127.0.0.1"), Duration.ofDays(1)).writePem(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ServerIdentity loaded = ServerIdentity.readPem(file);
        assertEquals(ca.fingerprint(), loaded.caFingerprint());

        WebServer server = WebServer.builder().port(0).host("127.0.0.1").tls(loaded.tls())
                .routing(r -> r.get("/", (req, res) -> res.send("tls ok"))).build().start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.port() + "/");
            try (HttpClient pinned = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(ca.fingerprint()).sslContext()).build()) {
                assertEquals("tls ok", pinned.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
            }
            var otherPin = LocalCa.create(Clock.systemUTC()).fingerprint();
            assertNotEquals(otherPin, ca.fingerprint());
            try (HttpClient wrong = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(otherPin).sslContext()).build();
                 HttpClient jdkDefault = HttpClient.newHttpClient()) {
                assertThrows(SSLHandshakeException.class,
                        () -> wrong.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
                assertThrows(SSLHandshakeException.class,
                        () -> jdkDefault.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void unreadableFilesGiveAClearError() throws Exception {
        Path kms = home.resolve("kms");
        var e = assertThrows(java.io.IOException.class, () -> LocalCa.load(kms, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("start the KMS once"), e.getMessage());
        Path bad = home.resolve("bad.pem");
        Files.writeString(bad, "not pem");
        var e2 = assertThrows(java.io.IOException.class, () -> ServerIdentity.readPem(bad));
        assertTrue(e2.getMessage().contains("cannot read a TLS key"), e2.getMessage());
    }

    private static Object pin(java.security.cert.X509Certificate c) {
        return qstcs.crypto.tls.CaFingerprint.of(c);
    }
}
