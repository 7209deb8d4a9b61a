package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.relay.RelayServer;
import qstcs.relay.RelaySettings;
import qstcs.server.pki.LocalCa;
import qstcs.testing.Await;
import qstcs.testing.KmsProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a real KMS process (SQLite home) while its rounds run back to back, key
 * requests are in flight and a long-poll is parked, then a restart on the same ports: what the
 * KMS acknowledged (an enrolled device's token, the audit rows a reader saw, a latched RED)
 * is still there, a request cut by the kill fails visibly instead of answering wrongly, and the
 * relay following the KMS ({@code LinkWatch}) finds the new process by itself. Keys live only in
 * memory by design: the devices re-key from the new process.
 */
class KmsKillIT {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Rounds back to back every 150 ms: the kill lands mid-round or close to one. */
    private static final String[] LINK = {"--round-ms", "150", "--qubits", "16384"};

    @TempDir
    Path home;
    private final List<AutoCloseable> open = new ArrayList<>();
    private OkHttpClient http;
    private String operator;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    @Test
    void nothingAcknowledgedIsLostRedStaysLatchedAndTheRelayFindsTheNewProcess() throws Exception {
        KmsProcess first = started(KmsProcess.start(home, flags("--provision-demo")));
        PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))));
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(40)).retryOnConnectionFailure(false)
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        operator = Files.readString(home.resolve("kms").resolve("operator.token")).strip();
        String alpha = DeviceCredentials.load(home, "Soldier_Alpha").orElseThrow().deviceToken();
        RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests().withKms(URI.create(first.plainUrl())));
        open.add(relay::close);
        Await.until("the relay follows the KMS: GREEN", () -> relay.linkStatus().equals("GREEN"));

        // Acknowledged before the kill: an enrollment (its token), a key, the audit rows a reader saw.
        String code = call(first, "POST", "/admin/enrollments", "{\"device_id\":\"Kill_Charlie\"}", operator).get("code").asText();
        String charlie = call(first, "POST", "/enroll", "{\"device_id\":\"Kill_Charlie\",\"code\":\"" + code + "\"}", null)
                .get("device_token").asText();
        awaitKey(first, alpha, "Soldier_Alpha", "Kill_Charlie");

        // A latched RED (acknowledged by force_attack's answer); rounds go on while RED.
        assertEquals("RED", call(first, "POST", "/force_attack", "{}", operator).get("status").asText());
        Await.until("the relay follows the KMS: RED", () -> relay.linkStatus().equals("RED"));
        Set<Long> audited = auditIds(first); // the enrollment, the key and the breach

        // Killed mid-request: key requests in flight and a parked long-poll.
        long version = call(first, "GET", "/link_status", null, null).get("version").asLong();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        open.add(clients::shutdownNow);
        CompletableFuture<JsonNode> parked = CompletableFuture.supplyAsync(
                () -> call(first, "GET", "/link_status?wait=30&version=" + version, null, null), clients);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<CompletableFuture<Void>> requesters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requesters.add(CompletableFuture.runAsync(() -> requestKeysUntilCut(first, alpha, stop, answered), clients));
        }
        Await.until("key requests are flowing", () -> answered.get() >= 10
                || requesters.stream().anyMatch(CompletableFuture::isCompletedExceptionally));
        stop.set(true); // from here on a cut connection is expected
        first.kill();
        http.connectionPool().evictAll(); // kept-alive connections to the dead process (no retries here)
        for (CompletableFuture<Void> r : requesters) {
            r.get(30, TimeUnit.SECONDS); // each answered RED until its connection was cut
        }
        ExecutionException cut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> parked.get(30, TimeUnit.SECONDS));
        assertInstanceOf(UncheckedIOException.class, cut.getCause(), "the long-poll fails instead of answering");

        // The next process on the same home and ports: still RED, nothing acknowledged lost.
        KmsProcess second = started(KmsProcess.restart(home, first, LINK));
        JsonNode status = call(second, "GET", "/link_status", null, null);
        assertEquals("RED", status.get("status").asText(), status.toString());
        assertEquals(1, status.get("attacks_detected").asLong(), status.toString());
        JsonNode refused = call(second, "POST", "/get_session_key",
                "{\"device_id\":\"Kill_Charlie\",\"peer_id\":\"Soldier_Alpha\"}", charlie);
        assertEquals("RED", refused.get("status").asText(), "the enrolled device's token still works: " + refused);
        assertFalse(refused.has("key_hex"), refused.toString());
        Set<Long> after = auditIds(second);
        assertTrue(after.containsAll(audited), "audit rows seen before the kill are kept: " + audited + " ⊄ " + after);

        // Only a reset clears it; the relay and the devices pick up from the new process by themselves.
        assertEquals("reset_complete", call(second, "POST", "/reset", "{}", operator).get("status").asText());
        Await.until("the relay follows the new process: GREEN", () -> relay.linkStatus().equals("GREEN"));
        JsonNode alphaKey = awaitKey(second, alpha, "Soldier_Alpha", "Kill_Charlie");
        JsonNode charlieKey = awaitKey(second, charlie, "Kill_Charlie", "Soldier_Alpha");
        assertEquals(alphaKey.get("key_id").asText(), charlieKey.get("key_id").asText());
    }

    private KmsProcess started(KmsProcess kms) {
        open.add(kms);
        return kms;
    }

    private static String[] flags(String... more) {
        List<String> all = new ArrayList<>(List.of(LINK));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Asks for keys until the connection is cut; every answer while the process lives is a 200 (a key or the RED refusal). */
    private void requestKeysUntilCut(KmsProcess kms, String token, AtomicBoolean stop, AtomicInteger answered) {
        while (true) {
            try (Response r = http.newCall(request(kms, "POST", "/get_session_key",
                    "{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Kill_Charlie\"}", token)).execute()) {
                String body = r.body().string();
                if (r.code() != 200 || body.contains("key_hex")) {
                    throw new AssertionError("a key request before the kill got " + r.code() + ": " + body);
                }
                answered.incrementAndGet();
            } catch (IOException cut) {
                if (stop.get()) {
                    return;
                }
                throw new UncheckedIOException("a request failed before the kill", cut);
            }
        }
    }

    private Request request(KmsProcess kms, String method, String path, String json, String token) {
        boolean plain = path.startsWith("/link_status");
        Request.Builder b = new Request.Builder().url((plain ? kms.plainUrl() : kms.tlsUrl()) + path)
                .method(method, json == null ? null : RequestBody.create(json, JSON));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private JsonNode call(KmsProcess kms, String method, String path, String json, String token) {
        try (Response r = http.newCall(request(kms, method, path, json, token)).execute()) {
            String body = r.body().string();
            assertEquals(200, r.code(), method + " " + path + ": " + body);
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode awaitKey(KmsProcess kms, String token, String device, String peer) {
        return Await.value("a key for " + device + " from " + kms.tlsUrl(),
                () -> call(kms, "POST", "/get_session_key", "{\"device_id\":\"" + device + "\",\"peer_id\":\"" + peer + "\"}", token),
                key -> key.has("key_hex"));
    }

    private Set<Long> auditIds(KmsProcess kms) {
        List<JsonNode> entries = new ArrayList<>();
        call(kms, "GET", "/admin/audit?limit=500", null, operator).get("entries").forEach(entries::add);
        return entries.stream().map(e -> e.get("id").asLong()).collect(Collectors.toSet());
    }
}
