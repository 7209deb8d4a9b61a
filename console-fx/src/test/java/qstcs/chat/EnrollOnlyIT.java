package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.KmsServer;

/** {@code ./qstcs chat --enroll STRING --enroll-only} against the real KMS: credentials saved, no window. */
class EnrollOnlyIT {

    @Test
    void redeemsTheStringOnceAndSavesTheCredentials() throws Exception {
        try (KmsServer kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-chat-kms"))) {
            String enrollment = createEnrollment(kms, "Soldier_Charlie");
            Path home = Files.createTempDirectory("qstcs-enroll-only");

            Captured first = Captured.run(() -> Main.enrollOnly(enrollment, home));
            assertEquals(0, first.status, first.err);
            assertTrue(first.out.startsWith("Soldier_Charlie is enrolled: credentials saved to "
                    + home.resolve("devices/Soldier_Charlie.json")), first.out);
            DeviceCredentials saved = DeviceCredentials.load(home, "Soldier_Charlie").orElseThrow();
            assertEquals(kms.ca(), saved.ca());
            assertFalse(first.out.contains(saved.deviceToken()), "the token is never printed");
            String file = Files.readString(home.resolve("devices/Soldier_Charlie.json"));

            // The code is spent: a second try fails in words and leaves the saved file alone.
            Captured again = Captured.run(() -> Main.enrollOnly(enrollment, home));
            assertEquals(1, again.status);
            assertTrue(again.err.startsWith("qstcs chat: Enrollment of Soldier_Charlie was refused"), again.err);
            assertEquals(file, Files.readString(home.resolve("devices/Soldier_Charlie.json")));

            Captured garbage = Captured.run(() -> Main.enrollOnly("not an enrollment string", home));
            assertEquals(1, garbage.status);
            assertTrue(garbage.err.startsWith("qstcs chat: "), garbage.err);
            assertFalse(garbage.err.contains("Exception"), garbage.err);
        }
    }

    @Test
    void aKmsGivenTheRelaysOfAClusterEnrollsADeviceThatKeepsThemAll() throws Exception {
        java.util.List<java.net.URI> relays = java.util.List.of(java.net.URI.create("wss://127.0.0.1:18765"),
                java.net.URI.create("wss://127.0.0.2:28765"));
        try (KmsServer kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-chat-kms"),
                "--relay-url", "wss://127.0.0.1:18765,wss://127.0.0.2:28765")) {
            String enrollment = createEnrollment(kms, "Soldier_Delta");
            assertEquals(relays, qstcs.crypto.tls.EnrollmentUri.parse(enrollment).relayUrls(), enrollment);
            Path home = Files.createTempDirectory("qstcs-enroll-cluster");

            Captured run = Captured.run(() -> Main.enrollOnly(enrollment, home));
            assertEquals(0, run.status, run.err);
            DeviceCredentials saved = DeviceCredentials.load(home, "Soldier_Delta").orElseThrow();
            assertEquals(relays, saved.relayUrls());
            assertEquals(relays, qstcs.client.ClientConfig.of(saved).relayUrls(), "later starts fail over along both");
        }
    }

    /** What the operator does (console Ctrl+E or ./qstcs enroll): a one-time code over TLS. */
    private static String createEnrollment(KmsServer kms, String deviceId) throws Exception {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        Request request = new Request.Builder().url(kms.tlsUrl() + "/admin/enrollments")
                .header("Authorization", "Bearer " + kms.operatorToken())
                .post(RequestBody.create("{\"device_id\":\"" + deviceId + "\"}", MediaType.get("application/json")))
                .build();
        try (Response response = http.newCall(request).execute()) {
            assertEquals(200, response.code());
            return new ObjectMapper().readTree(response.body().string()).path("enrollment_uri").asText();
        } finally {
            http.dispatcher().executorService().shutdown();
        }
    }

    private record Captured(int status, String out, String err) {
        static synchronized Captured run(java.util.function.IntSupplier action) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                int status = action.getAsInt();
                return new Captured(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}
