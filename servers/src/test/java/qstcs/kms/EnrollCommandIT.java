package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.kms.identity.DeviceRegistry;
import qstcs.kms.identity.KmsIdentity;
import qstcs.server.pki.LocalCa;
import qstcs.server.common.JsonErrors;
import qstcs.crypto.home.StateHome;

/** ./qstcs enroll against a running KMS identity service, and with the KMS down. */
class EnrollCommandIT {

    @TempDir
    Path home;

    private record Run(int status, String out, String err) {
    }

    private Run enroll(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EnrollCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private KmsIdentity identity(List<String> audit, boolean demo) throws Exception {
        return identity(audit, demo, Optional.empty());
    }

    private KmsIdentity identity(List<String> audit, boolean demo, Optional<List<URI>> relays) throws Exception {
        return KmsIdentity.open(new StateHome(home), new KmsIdentity.Options(8443, Optional.of("10.1.2.3"),
                relays, List.of(), demo), Clock.systemUTC(), (e, a, d) -> audit.add(e + " " + a + " " + d));
    }

    /** The running KMS's identity routes (where {@code ./qstcs enroll} asks first) over its TLS. */
    private static WebServer serving(KmsIdentity identity) {
        return WebServer.builder().host("127.0.0.1").port(0).tls(identity.serverIdentity().tls())
                .routing(r -> {
                    JsonErrors.register(r);
                    identity.registerRoutes(r, id -> { });
                }).build().start();
    }

    @Test
    void asksTheRunningKmsWhichAuditsTheCode() throws Exception {
        List<String> audit = new CopyOnWriteArrayList<>();
        try (KmsIdentity identity = identity(audit, false)) {
            WebServer server = serving(identity);
            try {
                Run run = enroll("Soldier_Charlie", "--home", home.toString(), "--kms", "https://127.0.0.1:" + server.port());
                assertEquals(0, run.status(), run.err());
                EnrollmentUri uri = EnrollmentUri.parse(run.out().strip());
                assertEquals("Soldier_Charlie", uri.deviceId());
                assertEquals("10.1.2.3", uri.kmsHost());
                assertEquals(identity.ca().fingerprint(), uri.ca());
                assertEquals("wss://10.1.2.3:8765", uri.relayUrl().toString());
                assertTrue(audit.stream().anyMatch(a -> a.startsWith("enrollment_created operator@127.0.0.1")), audit.toString());
                assertInstanceOf(DeviceRegistry.Redemption.Enrolled.class,
                        identity.devices().redeem("Soldier_Charlie", uri.code()));
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void withTheKmsDownTheCodeGoesStraightIntoTheRegistry() throws Exception {
        LocalCa ca;
        try (KmsIdentity identity = identity(new CopyOnWriteArrayList<>(), false)) {
            ca = identity.ca();
        }
        // Nothing listens on this port: the command falls back to the state directory.
        Run run = enroll("Soldier_Delta", "--home", home.toString(), "--kms", "https://127.0.0.1:1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("the KMS is not running"), run.err());
        EnrollmentUri uri = EnrollmentUri.parse(run.out().strip());
        assertEquals(ca.fingerprint(), uri.ca());
        try (DeviceRegistry registry = DeviceRegistry.open(home.resolve("kms"), Clock.systemUTC())) {
            assertInstanceOf(DeviceRegistry.Redemption.Enrolled.class, registry.redeem("Soldier_Delta", uri.code()));
        }
    }

    @Test
    void theRelaysOfAClusterReachTheStringWithTheKmsUpAndDown() throws Exception {
        List<URI> relays = List.of(URI.create("wss://10.1.2.3:8765"), URI.create("wss://10.1.2.4:8765"));
        try (KmsIdentity identity = identity(new CopyOnWriteArrayList<>(), false, Optional.of(relays))) {
            WebServer server = serving(identity);
            try {
                Run up = enroll("Soldier_Charlie", "--home", home.toString(), "--kms", "https://127.0.0.1:" + server.port());
                assertEquals(0, up.status(), up.err());
                assertEquals(relays, EnrollmentUri.parse(up.out().strip()).relayUrls(), up.out());
            } finally {
                server.stop();
            }
        }
        Run down = enroll("Soldier_Delta", "--home", home.toString(), "--kms", "https://127.0.0.1:1");
        assertEquals(0, down.status(), down.err());
        assertEquals(relays, EnrollmentUri.parse(down.out().strip()).relayUrls(), "recorded for the KMS being down: " + down.out());
    }

    @Test
    void usageErrorsAreClear() {
        assertEquals(2, enroll().status());
        assertEquals(2, enroll("bad id!").status());
        assertEquals(2, enroll("d", "--bogus").status());
        Run noKms = enroll("d", "--home", home.toString());
        assertEquals(1, noKms.status());
        assertTrue(noKms.err().contains("start the KMS once"), noKms.err());
    }

    @Test
    void demoProvisioningWritesPrivateDeviceFilesWithWorkingTokens() throws Exception {
        try (KmsIdentity identity = identity(new CopyOnWriteArrayList<>(), true)) {
            assertEquals(2, identity.provisioned().size());
            for (String device : KmsIdentity.DEMO_DEVICES) {
                Path file = DeviceCredentials.path(home, device);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                var json = new ObjectMapper().readTree(file.toFile());
                assertEquals(device, json.get("device_id").asText());
                assertEquals("https://127.0.0.1:8443", json.get("kms_url").asText());
                assertEquals("wss://127.0.0.1:8765", json.get("relay_url").asText());
                assertEquals(identity.ca().fingerprint().toString(), json.get("ca_fingerprint").asText());
                assertEquals(Optional.of(device), identity.devices().authenticate(json.get("device_token").asText()));
            }
        }
    }
}
