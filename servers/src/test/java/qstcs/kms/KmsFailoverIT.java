package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.server.pki.LocalCa;
import qstcs.kms.store.PostgresCluster;
import qstcs.testing.Await;
import qstcs.testing.KmsProcess;

/**
 * Two real KMS processes on one real PostgreSQL database: one leads the link, the other stands
 * by (refusing key routes with 503 {@code standby}, mirroring the status); after {@code kill -9}
 * of the leader the standby leads, the devices re-key from it and their chat continues, and the
 * audit log holds both processes' entries with nothing lost. The take-over time is printed; the
 * 2 s goal is checked by {@code ./qstcs bench kms-takeover} (docs/BENCHMARKS.md), not asserted.
 */
class KmsFailoverIT {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path home;
    private PostgresCluster postgres;
    private String dbUrl;
    private final List<KmsProcess> processes = new ArrayList<>();
    private OkHttpClient http;

    /** A KMS started as {@code ./qstcs kms --db …} starts it, named {@code instance} in the audit log. */
    private KmsProcess startKms(String instance, String... extra) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--round-ms", "200", "--qubits", "16384", "--db", dbUrl,
                "--instance", instance));
        flags.addAll(List.of(extra));
        KmsProcess kms = KmsProcess.start(home, java.util.Map.of("PGPASSWORD", postgres.password()),
                flags.toArray(String[]::new));
        processes.add(kms);
        return kms;
    }

    @BeforeEach
    void startDatabase() throws Exception {
        postgres = PostgresCluster.startOrSkip("KMS on PostgreSQL (KmsFailoverIT)");
        dbUrl = postgres.createDatabase("kms");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (KmsProcess p : processes) {
            p.close();
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void standbyTakesOverWithin2sAfterKill9AndTheChatReKeys() throws Exception {
        KmsProcess a = startKms("kms-a", "--provision-demo");
        PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))));
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(40))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        String alpha = DeviceCredentials.load(home, "Soldier_Alpha").orElseThrow().deviceToken();
        String bravo = DeviceCredentials.load(home, "Soldier_Bravo").orElseThrow().deviceToken();
        String operator = Files.readString(home.resolve("kms").resolve("operator.token")).strip();

        JsonNode keyA = awaitKey(a, alpha, "Soldier_Alpha", "Soldier_Bravo");
        KmsProcess b = startKms("kms-b");

        // The standby knows the devices (their tokens live in the shared database) but issues no key.
        try (Response r = http.newCall(keyRequest(b, alpha, "Soldier_Alpha", "Soldier_Bravo")).execute()) {
            String body = r.body().string();
            assertEquals(503, r.code(), body);
            assertEquals("standby", MAPPER.readTree(body).get("error").asText(), body);
            assertEquals("1", r.header("Retry-After"));
        }
        // Bravo gets the same pair key from the leader: the chat works.
        JsonNode keyBravo = key(a, bravo, "Soldier_Bravo", "Soldier_Alpha");
        assertEquals(keyA.get("key_id").asText(), keyBravo.get("key_id").asText());
        assertChat(keyA, keyBravo, "before the take-over");

        // One truth: the standby serves the leader's status version, and a long-poll parked on it
        // wakes when the status changes there.
        long version = awaitSameVersion(a, b);
        CompletableFuture<JsonNode> parked = CompletableFuture.supplyAsync(() -> get(b, "/link_status?wait=30&version=" + version, null));

        // Everything the leader audited so far (its start, its lead, the key) is in the database.
        Set<Long> beforeKill = awaitAudit(a, operator, "key_issued", keyA.get("key_id").asText()).stream()
                .map(e -> e.get("id").asLong()).collect(Collectors.toSet());

        long killedAt = System.nanoTime();
        a.process().destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the database
        JsonNode keyAfter = awaitKey(b, alpha, "Soldier_Alpha", "Soldier_Bravo");
        long takeOverMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("[servers] KMS take-over: " + takeOverMs + " ms from kill -9 of the leader to the first key"
                + " from the standby (lock poll " + qstcs.kms.store.AdvisoryLockLeadership.POLL.toMillis() + " ms)");

        // Old keys died with the leader's memory; the devices re-key and the chat continues.
        assertNotEquals(keyA.get("key_id").asText(), keyAfter.get("key_id").asText());
        try (Response r = http.newCall(new Request.Builder().url(b.tlsUrl() + "/keys/" + keyA.get("key_id").asText())
                .header("Authorization", "Bearer " + bravo).build()).execute()) {
            assertEquals(404, r.code(), r.body().string());
        }
        JsonNode bravoAfter = key(b, bravo, "Soldier_Bravo", "Soldier_Alpha");
        assertEquals(keyAfter.get("key_id").asText(), bravoAfter.get("key_id").asText());
        assertChat(keyAfter, bravoAfter, "after the take-over");

        JsonNode woke = parked.get(30, TimeUnit.SECONDS);
        assertTrue(woke.get("version").asLong() > version, woke.toString());

        // Nothing the old leader wrote is lost, and both processes' entries are there.
        List<JsonNode> audit = awaitAudit(b, operator, "key_issued", keyAfter.get("key_id").asText());
        Set<Long> ids = audit.stream().map(e -> e.get("id").asLong()).collect(Collectors.toSet());
        assertTrue(ids.containsAll(beforeKill), "entries lost after the take-over");
        assertTrue(has(audit, "server_started", "KMS kms-a started"), audit.toString());
        assertTrue(has(audit, "server_started", "KMS kms-b started"), audit.toString());
        assertTrue(has(audit, "link_leader", "KMS kms-a leads"), audit.toString());
        assertTrue(has(audit, "link_leader", "KMS kms-b leads the quantum link (taking over from kms-a)"), audit.toString());
    }

    private static boolean has(List<JsonNode> audit, String kind, String detailStart) {
        return audit.stream().anyMatch(e -> e.get("kind").asText().equals(kind) && e.get("detail").asText().startsWith(detailStart));
    }

    /** Alpha seals under its key, Bravo opens under its copy: the two hold one pair key. */
    private static void assertChat(JsonNode alphaKey, JsonNode bravoKey, String text) throws Exception {
        FrameSealer alpha = new FrameSealer(alphaKey.get("key_id").asText(), SecretBytes.fromHex(alphaKey.get("key_hex").asText()));
        FrameSealer bravo = new FrameSealer(bravoKey.get("key_id").asText(), SecretBytes.fromHex(bravoKey.get("key_hex").asText()));
        SealedFrame frame = alpha.seal(java.util.UUID.randomUUID().toString(), "Soldier_Alpha", "Soldier_Bravo", 1,
                System.currentTimeMillis() / 1000, text.getBytes(StandardCharsets.UTF_8));
        assertEquals(text, new String(bravo.open(frame), StandardCharsets.UTF_8));
    }

    private Request keyRequest(KmsProcess kms, String token, String device, String peer) {
        String body = "{\"device_id\":\"" + device + "\",\"peer_id\":\"" + peer + "\"}";
        return new Request.Builder().url(kms.tlsUrl() + "/get_session_key").header("Authorization", "Bearer " + token)
                .post(RequestBody.create(body, JSON)).build();
    }

    private JsonNode key(KmsProcess kms, String token, String device, String peer) throws IOException {
        try (Response r = http.newCall(keyRequest(kms, token, device, peer)).execute()) {
            String body = r.body().string();
            assertEquals(200, r.code(), body);
            return MAPPER.readTree(body);
        }
    }

    /** Asks until the KMS issues a key (it stands by, or its pool is still empty, until then). */
    private JsonNode awaitKey(KmsProcess kms, String token, String device, String peer) {
        String body = Await.value("a key from " + kms.tlsUrl(), () -> {
            try (Response r = http.newCall(keyRequest(kms, token, device, peer)).execute()) {
                String text = r.body().string();
                return r.code() == 200 && text.contains("key_hex") ? text : null;
            } catch (IOException e) {
                return null;
            }
        }, java.util.Objects::nonNull);
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode get(KmsProcess kms, String path, String token) {
        Request.Builder rb = new Request.Builder().url(kms.tlsUrl() + path);
        if (token != null) {
            rb.header("Authorization", "Bearer " + token);
        }
        try (Response r = http.newCall(rb.build()).execute()) {
            String body = r.body().string();
            assertEquals(200, r.code(), body);
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the standby mirrors the leader's current version, and returns it. */
    private long awaitSameVersion(KmsProcess leader, KmsProcess standby) {
        long[] seen = new long[1];
        Await.until("the standby mirrors the leader's version", () -> {
            seen[0] = get(leader, "/link_status", null).get("version").asLong();
            return get(standby, "/link_status?wait=5&version=0", null).get("version").asLong() == seen[0];
        });
        return seen[0];
    }

    /** The whole audit log, newest first, once it holds {@code kind} about {@code about}. */
    private List<JsonNode> awaitAudit(KmsProcess kms, String operator, String kind, String about) {
        return Await.value(kind + " about " + about + " in the audit log", () -> {
            List<JsonNode> all = new ArrayList<>();
            get(kms, "/admin/audit?limit=500", operator).get("entries").forEach(all::add);
            return all;
        }, all -> all.stream().anyMatch(e -> e.get("kind").asText().equals(kind) && e.get("detail").asText().contains(about)));
    }
}
