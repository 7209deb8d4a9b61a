package qstcs.kms.etsi014;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.tls.SaeCredentials;
import qstcs.kms.KmsServer;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.RevokeCertCommand;
import qstcs.server.pki.SaeIdentity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ETSI GS QKD 014 v1.1.1 against the real KMS over mutual TLS: the Status, Key request, Key
 * container, Key IDs and Error formats (tables 9-13), the round trip master -> KME -> slave,
 * multicast, the 400/401/503 answers, and the link's RED latch. SAE certificates come from the
 * real {@code issue-cert} command; nothing is mocked.
 */
class Etsi014ConformanceIT {
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static Path home;
    private static Path certs;
    private static KmsServer kms;
    private static SaeClient alice;
    private static SaeClient bob;
    private static SaeClient carol;
    private static SaeClient dave;

    @BeforeAll
    static void start() throws Exception {
        home = KmsServer.tempHome("qstcs-etsi014");
        certs = Files.createTempDirectory("qstcs-etsi014-certs");
        kms = KmsServer.startOnLoopback(home, "--round-ms", "400", "--qubits", "65536", "--kme-id", "KME_Test");
        alice = SaeClient.issued(kms, "SAE_Alice", certs);
        bob = SaeClient.issued(kms, "SAE_Bob", certs);
        carol = SaeClient.issued(kms, "SAE_Carol", certs);
        dave = SaeClient.issued(kms, "SAE_Dave", certs);
        awaitPool();
    }

    @AfterAll
    static void stop() {
        for (SaeClient c : new SaeClient[]{alice, bob, carol, dave}) {
            if (c != null) {
                c.close();
            }
        }
        if (kms != null) {
            kms.close();
        }
    }

    private static void awaitPool() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kms.poolBits() < 8 * 4096) {
            assertTrue(System.nanoTime() < deadline, "the pool never filled");
            Thread.sleep(20);
        }
    }

    // --- issue-cert ---------------------------------------------------------------------------

    @Test
    void issuedCertificateFileIsPrivateAndHoldsKeyAndChainWithClientAuth() throws Exception {
        Path pem = certs.resolve("SAE_Alice.pem");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(pem));
        String text = Files.readString(pem);
        assertTrue(text.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 key first");
        assertEquals(2, text.split("-----BEGIN CERTIFICATE-----", -1).length - 1, "SAE certificate and CA");
        assertEquals("SAE_Alice", SaeCredentials.read(pem, SaeClient.caFile(kms)).saeId());
    }

    // --- Status (Table 9) ---------------------------------------------------------------------

    @Test
    void statusHasEveryTable9FieldAndItsInvariants() {
        SaeClient.Reply r = alice.get("/api/v1/keys/SAE_Bob/status");
        assertEquals(200, r.code(), r.toString());
        JsonNode s = r.json();
        for (String f : List.of("source_KME_ID", "target_KME_ID", "master_SAE_ID", "slave_SAE_ID")) {
            assertTrue(s.path(f).isTextual(), f + " is a string: " + r);
        }
        for (String f : List.of("key_size", "stored_key_count", "max_key_count", "max_key_per_request", "max_key_size",
                "min_key_size", "max_SAE_ID_count")) {
            assertTrue(s.path(f).isIntegralNumber(), f + " is an integer: " + r);
        }
        assertEquals("KME_Test", s.get("source_KME_ID").asText());
        assertEquals("SAE_Alice", s.get("master_SAE_ID").asText(), "the caller is the master");
        assertEquals("SAE_Bob", s.get("slave_SAE_ID").asText());
        assertTrue(s.get("max_key_count").asLong() >= s.get("stored_key_count").asLong());
        assertTrue(s.get("stored_key_count").asLong() > 0);
        int min = s.get("min_key_size").asInt();
        int max = s.get("max_key_size").asInt();
        int size = s.get("key_size").asInt();
        assertTrue(min <= size && size <= max && min % 8 == 0 && max % 8 == 0 && size % 8 == 0, r.toString());
        assertTrue(s.get("max_key_per_request").asInt() >= 1);
        assertEquals(4, s.get("max_SAE_ID_count").asInt());
    }

    // --- enc_keys / dec_keys (Tables 10-12) ---------------------------------------------------

    @Test
    void postEncKeysThenPostDecKeysGiveTheSameKey() {
        SaeClient.Reply enc = alice.encKeys("SAE_Bob", "{\"number\":1,\"size\":256}");
        assertEquals(200, enc.code(), enc.toString());
        JsonNode key = enc.json().get("keys").get(0);
        assertTrue(key.get("key_ID").asText().matches(UUID_RE), enc.toString());
        SaeClient.Reply dec = bob.decKeys("SAE_Alice", key.get("key_ID").asText());
        assertEquals(200, dec.code(), dec.toString());
        JsonNode got = dec.json().get("keys").get(0);
        assertEquals(key.get("key_ID").asText(), got.get("key_ID").asText());
        assertArrayEquals(Base64.getDecoder().decode(key.get("key").asText()),
                Base64.getDecoder().decode(got.get("key").asText()));
        assertEquals(32, Base64.getDecoder().decode(got.get("key").asText()).length);
    }

    @Test
    void getEncKeysThenGetDecKeysGiveTheSameKeyAndDefaultsApply() {
        SaeClient.Reply enc = alice.get("/api/v1/keys/SAE_Bob/enc_keys");
        assertEquals(200, enc.code(), enc.toString());
        assertEquals(1, enc.json().get("keys").size(), "number defaults to 1");
        JsonNode key = enc.json().get("keys").get(0);
        assertEquals(32, Base64.getDecoder().decode(key.get("key").asText()).length, "size defaults to key_size");
        SaeClient.Reply dec = bob.get("/api/v1/keys/SAE_Alice/dec_keys?key_ID=" + key.get("key_ID").asText());
        assertEquals(200, dec.code(), dec.toString());
        assertEquals(key.get("key").asText(), dec.json().get("keys").get(0).get("key").asText());
    }

    @Test
    void numberAndSizeAreHonouredAndKeysLeaveThePool() {
        long before = alice.get("/api/v1/keys/SAE_Bob/status").json().get("stored_key_count").asLong();
        SaeClient.Reply enc = alice.get("/api/v1/keys/SAE_Bob/enc_keys?number=3&size=1024");
        assertEquals(200, enc.code(), enc.toString());
        JsonNode keys = enc.json().get("keys");
        assertEquals(3, keys.size());
        Set<String> ids = new HashSet<>();
        Set<String> values = new HashSet<>();
        List<String> asked = new ArrayList<>();
        for (JsonNode k : keys) {
            assertEquals(128, Base64.getDecoder().decode(k.get("key").asText()).length, "size=1024 bits is 128 bytes");
            ids.add(k.get("key_ID").asText());
            values.add(k.get("key").asText());
            asked.add(k.get("key_ID").asText());
        }
        assertEquals(3, ids.size());
        assertEquals(3, values.size(), "every key is fresh material");
        long after = alice.get("/api/v1/keys/SAE_Bob/status").json().get("stored_key_count").asLong();
        // 3 keys of 1024 bits use 12 blocks of 256 bits; a background round may have added some meanwhile.
        assertTrue(after < before || after >= before + 1, "stored " + before + " -> " + after);
        SaeClient.Reply dec = bob.decKeys("SAE_Alice", asked.toArray(String[]::new));
        assertEquals(200, dec.code(), dec.toString());
        assertEquals(3, dec.json().get("keys").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(keys.get(i).get("key").asText(), dec.json().get("keys").get(i).get("key").asText());
        }
        SaeClient.Reply small = alice.encKeys("SAE_Bob", "{\"size\":72}");
        assertEquals(9, Base64.getDecoder().decode(small.json().get("keys").get(0).get("key").asText()).length,
                "any multiple of 8 in range: 72 bits");
    }

    @Test
    void multicastGivesTheSameKeyToEveryNamedSlaveOnce() {
        SaeClient.Reply enc = alice.encKeys("SAE_Bob", "{\"number\":1,\"additional_slave_SAE_IDs\":[\"SAE_Carol\"]}");
        assertEquals(200, enc.code(), enc.toString());
        String id = enc.json().get("keys").get(0).get("key_ID").asText();
        String key = enc.json().get("keys").get(0).get("key").asText();
        SaeClient.Reply b = bob.decKeys("SAE_Alice", id);
        SaeClient.Reply c = carol.decKeys("SAE_Alice", id);
        assertEquals(200, b.code(), b.toString());
        assertEquals(200, c.code(), c.toString());
        assertEquals(key, b.json().get("keys").get(0).get("key").asText());
        assertEquals(key, c.json().get("keys").get(0).get("key").asText());
        assertEquals(400, bob.decKeys("SAE_Alice", id).code(), "each slave gets a key once");
    }

    @Test
    void anSaeThatWasNotASlaveGets401AndTheSlaveStillGetsTheKey() throws InterruptedException {
        String id = alice.encKeys("SAE_Bob", "{}").json().get("keys").get(0).get("key_ID").asText();
        SaeClient.Reply third = dave.decKeys("SAE_Alice", id);
        assertEquals(401, third.code(), third.toString());
        awaitAudit("SAE SAE_Dave was not a slave");
        assertEquals(200, bob.decKeys("SAE_Alice", id).code(), "a refused third party consumed nothing");
    }

    @Test
    void aSecondDecKeysOfTheSameKeyIdIs400WithTheStandardsMessage() {
        String id = alice.encKeys("SAE_Bob", "{}").json().get("keys").get(0).get("key_ID").asText();
        assertEquals(200, bob.decKeys("SAE_Alice", id).code());
        SaeClient.Reply again = bob.decKeys("SAE_Alice", id);
        assertEquals(400, again.code(), again.toString());
        assertEquals("one or more keys specified are not found on KME", again.json().get("message").asText());
        SaeClient.Reply unknown = bob.decKeys("SAE_Alice", "550e8400-e29b-41d4-a716-446655440000");
        assertEquals(400, unknown.code());
        SaeClient.Reply wrongMaster = bob.decKeys("SAE_Carol",
                alice.encKeys("SAE_Bob", "{}").json().get("keys").get(0).get("key_ID").asText());
        assertEquals(400, wrongMaster.code(), "the key is filed under its master: " + wrongMaster);
    }

    // --- 400 --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{\"size\":0}", "{\"size\":-8}", "{\"size\":\"abc\"}", "{\"size\":12}", "{\"size\":8}",
            "{\"size\":4104}", "{\"size\":1e3}", "{\"number\":0}", "{\"number\":-1}", "{\"number\":65}", "{\"number\":\"2\"}",
            "{\"additional_slave_SAE_IDs\":[\"\"]}", "{\"additional_slave_SAE_IDs\":[\"SAE_Alice\"]}",
            "{\"additional_slave_SAE_IDs\":[\"SAE_Bob\"]}", "{\"additional_slave_SAE_IDs\":[\"X\",\"X\"]}",
            "{\"additional_slave_SAE_IDs\":[\"A1\",\"A2\",\"A3\",\"A4\",\"A5\"]}", "{\"additional_slave_SAE_IDs\":\"X\"}",
            "{\"extension_optional\":{}}", "{\"unknown\":1}", "[1]", "{", "not json", "{\"size\":256}{}"})
    void badKeyRequestsAre400WithAMessageAndTakeNothing(String body) {
        SaeClient.Reply r = alice.encKeys("SAE_Bob", body);
        assertEquals(400, r.code(), body + " -> " + r);
        assertTrue(r.json().get("message").isTextual() && !r.json().get("message").asText().isBlank(), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"size=0", "size=-8", "size=abc", "size=12", "size=8", "size=8192", "number=0", "number=abc",
            "number=1&number=2", "key_ID=x"})
    void badGetEncKeysQueriesAre400(String query) {
        SaeClient.Reply r = alice.get("/api/v1/keys/SAE_Bob/enc_keys?" + query);
        assertEquals(400, r.code(), query + " -> " + r);
        assertTrue(r.json().get("message").isTextual(), r.toString());
    }

    @Test
    void theStandardsOwnMessagesAreUsed() {
        assertEquals("size shall be a multiple of 8", alice.encKeys("SAE_Bob", "{\"size\":260}").json().get("message").asText());
        SaeClient.Reply ext = alice.encKeys("SAE_Bob", "{\"extension_mandatory\":[{\"abc_route_type\":\"direct\"}]}");
        assertEquals(400, ext.code());
        assertEquals("not all extension_mandatory parameters are supported", ext.json().get("message").asText());
        assertEquals("direct", ext.json().get("details").get(0).get("extension_mandatory_unsupported").get(0)
                .get("abc_route_type").asText(), ext.toString());
        assertEquals(200, alice.encKeys("SAE_Bob", "{\"extension_optional\":[{\"abc_route_type\":\"direct\"}]}").code(),
                "an unsupported optional extension is ignored");
    }

    @Test
    void blankOrIdenticalSaeIdsAre400() {
        assertEquals(400, alice.get("/api/v1/keys/%20/status").code());
        assertEquals(400, alice.get("/api/v1/keys//enc_keys").code());
        assertEquals(400, alice.get("/api/v1/keys/SAE_Alice/enc_keys").code(), "master and slave are one SAE");
        assertEquals(400, alice.get("/api/v1/keys/SAE_Alice/status").code());
        assertEquals(400, bob.get("/api/v1/keys/SAE_Bob/dec_keys?key_ID=550e8400-e29b-41d4-a716-446655440000").code());
        assertEquals(400, alice.get("/api/v1/keys/..%2F..%2Fetc/status").code());
    }

    @Test
    void badKeyIdsAre400() {
        assertEquals(400, bob.get("/api/v1/keys/SAE_Alice/dec_keys?key_ID=not-a-uuid").code());
        assertEquals(400, bob.get("/api/v1/keys/SAE_Alice/dec_keys").code());
        assertEquals(400, bob.decKeys("SAE_Alice", "123").code());
        for (String body : List.of("{}", "{\"key_IDs\":[]}", "{\"key_IDs\":[{}]}", "{\"key_IDs\":[{\"key_ID\":5}]}",
                "{\"key_IDs\":\"x\"}", "{\"key_IDs\":[\"550e8400-e29b-41d4-a716-446655440000\"]}", "{]")) {
            SaeClient.Reply r = bob.post("/api/v1/keys/SAE_Alice/dec_keys", body);
            assertEquals(400, r.code(), body + " -> " + r);
            assertTrue(r.json().get("message").isTextual());
        }
    }

    @Test
    void unknownMethodsAndPathsUnderTheApiAre400NeverAnotherCode() {
        for (String m : List.of("PUT", "DELETE", "PATCH")) {
            SaeClient.Reply r = alice.method(m, "/api/v1/keys/SAE_Bob/enc_keys", m.equals("DELETE") ? null : "{}");
            assertEquals(400, r.code(), m + " -> " + r);
        }
        assertEquals(400, alice.post("/api/v1/keys/SAE_Bob/status", "{}").code());
        assertEquals(400, alice.get("/api/v1/keys/SAE_Bob/other").code());
        assertEquals(400, alice.get("/api/v1/keys").code());
        assertEquals(400, alice.get("/api/v1/keys/SAE_Bob/status/extra").code());
    }

    // --- 401 ----------------------------------------------------------------------------------

    @Test
    void withoutAClientCertificateOrWithATokenItIs401() throws InterruptedException {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        OkHttpClient anonymous = new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        assertEquals(401, SaeClient.call(anonymous, new Request.Builder()
                .url(kms.tlsUrl() + "/api/v1/keys/SAE_Bob/status").build()).code());
        assertEquals(401, SaeClient.call(anonymous, new Request.Builder()
                .url(kms.tlsUrl() + "/api/v1/keys/SAE_Bob/enc_keys")
                .header("Authorization", "Bearer " + kms.operatorToken()).build()).code(), "tokens never grant ETSI routes");
        assertEquals(401, SaeClient.call(anonymous, new Request.Builder()
                .url(kms.tlsUrl() + "/api/v1/keys/SAE_Bob/enc_keys")
                .header("Authorization", "Bearer " + kms.issueDeviceToken("SAE_Alice")).build()).code());
        assertEquals(401, SaeClient.call(new OkHttpClient(), new Request.Builder()
                .url(kms.plainUrl() + "/api/v1/keys/SAE_Bob/status").build()).code(), "plain HTTP carries no certificate");
        awaitAudit("GET /api/v1/keys/SAE_Bob/status refused (401)");
    }

    /** Waits (observable state, at most 10 s) until the audit log holds an auth_failure with {@code text}. */
    private static void awaitAudit(String text) throws InterruptedException {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        OkHttpClient op = new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            SaeClient.Reply audit = SaeClient.call(op, new Request.Builder().url(kms.tlsUrl() + "/admin/audit?limit=200")
                    .header("Authorization", "Bearer " + kms.operatorToken()).build());
            for (JsonNode e : audit.json().path("entries")) {
                if (e.path("kind").asText().equals("auth_failure") && e.path("detail").asText().contains(text)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no auth_failure audit entry containing '" + text + "'");
            Thread.sleep(20);
        }
    }

    @Test
    void aCertificateFromAnotherCaIs401() throws Exception {
        LocalCa other = LocalCa.create(Clock.systemUTC());
        SaeIdentity forged = other.issueSae("SAE_Alice", Duration.ofDays(1));
        X509CertificateList trusted = new X509CertificateList(LocalCa.readCertificate(home.resolve("kms")));
        SaeClient mallory = SaeClient.withCredentials(kms, "SAE_Alice",
                SaeCredentials.of(forged.privateKey(), forged.chain(), trusted.list()));
        try {
            SaeClient.Reply r = mallory.get("/api/v1/keys/SAE_Bob/status");
            assertEquals(401, r.code(), r.toString());
            assertEquals(401, mallory.encKeys("SAE_Bob", "{}").code());
        } finally {
            mallory.close();
        }
    }

    private record X509CertificateList(java.security.cert.X509Certificate ca) {
        List<java.security.cert.X509Certificate> list() {
            return List.of(ca);
        }
    }

    @Test
    void aRevokedCertificateIs401FromTheNextRequestOnEvenOnTheSameConnection() {
        SaeClient erin = SaeClient.issued(kms, "SAE_Erin", certs);
        try {
            assertEquals(200, erin.get("/api/v1/keys/SAE_Bob/status").code());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, RevokeCertCommand.run(new String[]{"--for", "sae", "--id", "SAE_Erin", "--home",
                    home.toString()}, new PrintStream(out), new PrintStream(new ByteArrayOutputStream())));
            assertEquals(401, erin.get("/api/v1/keys/SAE_Bob/status").code());
            SaeClient renewed = SaeClient.issued(kms, "SAE_Erin", certs);
            try {
                assertEquals(200, renewed.get("/api/v1/keys/SAE_Bob/status").code(), "a new certificate works again");
            } finally {
                renewed.close();
            }
        } finally {
            erin.close();
        }
    }

    @Test
    void anSaeCertificateNeverGrantsQstcsRoutes() {
        SaeClient.Reply key = alice.post("/get_session_key", "{\"device_id\":\"SAE_Alice\",\"peer_id\":\"SAE_Bob\"}");
        assertEquals(401, key.code(), key.toString());
        assertEquals(401, alice.post("/reset", "{}").code());
        assertEquals(401, alice.get("/admin/devices").code());
        assertEquals(401, alice.post("/force_attack", "{}").code());
    }

    // --- 503 while RED ----------------------------------------------------------------------

    @Test
    void redIs503EverywhereAndKeysComeBackAfterReset() throws Exception {
        String before = alice.encKeys("SAE_Bob", "{}").json().get("keys").get(0).get("key_ID").asText();
        assertEquals(200, operator("/force_attack"));
        assertEquals(503, alice.encKeys("SAE_Bob", "{}").code());
        assertEquals(503, alice.get("/api/v1/keys/SAE_Bob/enc_keys").code());
        assertEquals(503, alice.get("/api/v1/keys/SAE_Bob/status").code());
        SaeClient.Reply dec = bob.decKeys("SAE_Alice", before);
        assertEquals(503, dec.code(), dec.toString());
        assertTrue(dec.json().get("message").asText().contains("RED"));
        assertEquals(200, operator("/reset"));
        SaeClient.Reply after = alice.encKeys("SAE_Bob", "{}");
        assertEquals(200, after.code(), after.toString());
        String id = after.json().get("keys").get(0).get("key_ID").asText();
        assertEquals(200, bob.decKeys("SAE_Alice", id).code());
        assertEquals(400, bob.decKeys("SAE_Alice", before).code(), "a key made before the breach is gone for good");
        awaitPool();
    }

    private static int operator(String path) {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        OkHttpClient op = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        SaeClient.Reply r = SaeClient.call(op, new Request.Builder().url(kms.tlsUrl() + path)
                .header("Authorization", "Bearer " + kms.operatorToken())
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build());
        assertNotNull(r.json(), r.toString());
        assertFalse(r.body().contains("key\""), "no key material in operator answers");
        return r.code();
    }
}
