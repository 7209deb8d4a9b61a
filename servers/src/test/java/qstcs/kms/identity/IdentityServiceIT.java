package qstcs.kms.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityKeyPair;
import qstcs.crypto.identity.IdentityRoutes;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.server.auth.BearerTokens;
import qstcs.server.auth.Role;
import qstcs.server.auth.ServiceToken;
import qstcs.server.pki.LocalCa;
import qstcs.server.common.JsonErrors;

/** The identity routes on a real TLS listener, called by OkHttp pinning the CA. */
class IdentityServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final String OPERATOR = BearerTokens.newToken();
    private static final String RELAY = BearerTokens.newToken();
    private static final String ROUTER = BearerTokens.newToken();

    @TempDir
    Path kms;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-25T20:00:00Z"));
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final List<String> revokedHook = new CopyOnWriteArrayList<>();
    private final RevocationFeed revocationFeed = new RevocationFeed();
    private DeviceRegistry devices;
    private WebServer server;
    private OkHttpClient http;
    private String base;
    private LocalCa ca;

    @BeforeEach
    void start() throws Exception {
        ca = LocalCa.create(Clock.systemUTC());
        devices = DeviceRegistry.open(kms, clock);
        SecurityAudit sink = (event, actor, detail) -> audit.add(event + ": " + actor + " " + detail);
        Authenticator auth = new Authenticator(ServiceToken.of(Role.OPERATOR, OPERATOR), ServiceToken.of(Role.ROUTER, ROUTER),
                ServiceToken.of(Role.RELAY, RELAY), devices, sink);
        IdentityService service = new IdentityService(devices, revocationFeed,
                new AttemptLimiter(clock::nanos, Duration.ofMinutes(15), 5, 50),
                new EnrollmentSettings("127.0.0.1", 8443, java.net.URI.create("wss://127.0.0.1:8765"), ca.fingerprint(),
                        EnrollmentSettings.DEFAULT_CODE_TTL), sink, revokedHook::add);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .tls(ca.issueServer("kms", List.of("127.0.0.1"), Duration.ofDays(1)).tls())
                .routing(r -> {
                    JsonErrors.register(r);
                    service.register(r, new qstcs.server.http.RouteTable<>(new TokenAccess(auth, sink, 8443)::authorize,
                            (metric, nanos) -> { }));
                }).build().start();
        PinnedCaTrust trust = PinnedCaTrust.of(ca.fingerprint());
        http = new OkHttpClient.Builder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .readTimeout(30, TimeUnit.SECONDS).build();
        base = "https://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.stop();
        devices.close();
        http.connectionPool().evictAll();
    }

    record Reply(int status, JsonNode body, String raw, Optional<String> retryAfter) {
    }

    private Reply call(String method, String path, String token, String json) throws IOException {
        Request.Builder b = new Request.Builder().url(base + path);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, json == null ? (method.equals("POST") ? RequestBody.create(new byte[0]) : null)
                : RequestBody.create(json, JSON_TYPE));
        try (Response r = http.newCall(b.build()).execute()) {
            String raw = r.body().string();
            return new Reply(r.code(), raw.isEmpty() ? null : JSON.readTree(raw), raw, Optional.ofNullable(r.header("Retry-After")));
        }
    }

    private EnrollmentUri newEnrollment(String device) throws IOException {
        Reply r = call("POST", "/admin/enrollments", OPERATOR, "{\"device_id\":\"" + device + "\"}");
        assertEquals(200, r.status(), r.raw());
        EnrollmentUri uri = EnrollmentUri.parse(r.body().get("enrollment_uri").asText());
        assertEquals(r.body().get("code").asText(), uri.code());
        assertEquals(ca.fingerprint(), uri.ca());
        assertEquals(device, uri.deviceId());
        assertEquals(clock.instant().plus(Duration.ofMinutes(15)).toString(), r.body().get("expires_at").asText());
        return uri;
    }

    private Reply enroll(String device, String code) throws IOException {
        return call("POST", "/enroll", null, "{\"device_id\":\"" + device + "\",\"code\":\"" + code + "\"}");
    }

    @Test
    void fullEnrollmentFlowThenIntrospectionAndRevocation() throws Exception {
        EnrollmentUri uri = newEnrollment("Soldier_Charlie");
        Reply enrolled = enroll("Soldier_Charlie", uri.code());
        assertEquals(200, enrolled.status(), enrolled.raw());
        String token = enrolled.body().get("device_token").asText();
        assertEquals(ca.fingerprint().toString(), enrolled.body().get("ca_fingerprint").asText());
        assertEquals("wss://127.0.0.1:8765", enrolled.body().get("relay_url").asText());
        assertEquals("[\"wss://127.0.0.1:8765\"]", enrolled.body().get("relay_urls").toString(), "every relay, here one");

        Reply active = call("POST", "/auth/introspect", RELAY, "{\"token\":\"" + token + "\"}");
        assertEquals("{\"active\":true,\"device_id\":\"Soldier_Charlie\"}", active.raw());

        Reply listed = call("GET", "/admin/devices", OPERATOR, null);
        assertEquals(200, listed.status());
        assertTrue(listed.raw().contains("\"device_id\":\"Soldier_Charlie\",\"active\":true"), listed.raw());
        assertFalse(listed.raw().contains(token));

        CompletableFuture<Reply> feed = CompletableFuture.supplyAsync(() -> {
            try {
                return call("GET", "/auth/revocations?after=0&wait=20", RELAY, null);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        qstcs.testing.Await.until("the relay's long-poll is parked", () -> revocationFeed.waiting() > 0);
        Reply revoked = call("DELETE", "/admin/devices/Soldier_Charlie", OPERATOR, null);
        assertEquals(200, revoked.status(), revoked.raw());
        Reply batch = feed.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("Soldier_Charlie"), JSON.convertValue(batch.body().get("revoked"), List.class));
        assertEquals(1, batch.body().get("seq").asLong());
        assertEquals(List.of("Soldier_Charlie"), revokedHook);

        assertEquals("{\"active\":false}", call("POST", "/auth/introspect", RELAY, "{\"token\":\"" + token + "\"}").raw());
        assertEquals(404, call("DELETE", "/admin/devices/Nobody", OPERATOR, null).status());
        assertTrue(audit.stream().anyMatch(a -> a.startsWith("device_revoked: operator@127.0.0.1 Soldier_Charlie revoked")), audit.toString());
    }

    @Test
    void directoryListsActiveEnrolledDevicesAndRefusesMissingOrRevokedTokens() throws Exception {
        String alpha = enroll("Soldier_Alpha", newEnrollment("Soldier_Alpha").code()).body().get("device_token").asText();
        String bravo = enroll("Soldier_Bravo", newEnrollment("Soldier_Bravo").code()).body().get("device_token").asText();
        String charlie = devices.issueToken("Soldier_Charlie");

        Reply list = call("GET", IdentityRoutes.DIRECTORY, alpha, null);
        assertEquals(200, list.status(), list.raw());
        List<String> ids = new java.util.ArrayList<>();
        list.body().get("devices").forEach(d -> ids.add(d.get("device_id").asText()));
        assertEquals(List.of("Soldier_Alpha", "Soldier_Bravo", "Soldier_Charlie"), ids);
        assertFalse(list.raw().contains(alpha) || list.raw().contains(bravo) || list.raw().contains(charlie));
        assertFalse(list.raw().contains("token"), list.raw());

        assertEquals(401, call("GET", IdentityRoutes.DIRECTORY, null, null).status());
        assertEquals(401, call("GET", IdentityRoutes.DIRECTORY, BearerTokens.newToken(), null).status());
        assertEquals(403, call("GET", IdentityRoutes.DIRECTORY, OPERATOR, null).status());
        assertEquals(200, call("DELETE", "/admin/devices/Soldier_Charlie", OPERATOR, null).status());
        Reply revoked = call("GET", IdentityRoutes.DIRECTORY, charlie, null);
        assertEquals(401, revoked.status(), revoked.raw());
        Reply after = call("GET", IdentityRoutes.DIRECTORY, bravo, null);
        assertFalse(after.raw().contains("Soldier_Charlie"), "a revoked device is not offered as a contact: " + after.raw());
    }

    @Test
    void identityKeysArePublishedFetchedAndAChangeIsVisibleAndAudited() throws Exception {
        String alpha = devices.issueToken("Soldier_Alpha");
        String bravo = devices.issueToken("Soldier_Bravo");
        assertEquals(404, call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null).status());

        IdentityKey first = IdentityKeyPair.generate().publicKey();
        Reply put = call("PUT", IdentityRoutes.OWN_KEY, alpha, keyBody(first));
        assertEquals(200, put.status(), put.raw());
        Reply fetched = call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null);
        assertEquals(200, fetched.status(), fetched.raw());
        assertEquals(first, IdentityKey.fromBase64(fetched.body().get(IdentityRoutes.PUBLIC_KEY).asText()));
        assertEquals(first.fingerprint(), fetched.body().get(IdentityRoutes.FINGERPRINT).asText());
        assertEquals(first.fingerprint(), call("GET", IdentityRoutes.DIRECTORY, bravo, null).body().get("devices")
                .get(0).get(IdentityRoutes.IDENTITY_KEY_FINGERPRINT).asText());

        IdentityKey second = IdentityKeyPair.generate().publicKey();
        assertEquals(200, call("PUT", IdentityRoutes.OWN_KEY, alpha, keyBody(second)).status());
        Reply changed = call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null);
        assertEquals(second.fingerprint(), changed.body().get(IdentityRoutes.FINGERPRINT).asText());
        assertTrue(audit.stream().anyMatch(a -> a.startsWith("identity_key_changed: device:Soldier_Alpha")), audit.toString());

        // A device publishes only its own key: the token names the device, there is no id to forge.
        assertEquals(second.fingerprint(), call("GET", "/devices/me/identity_key", alpha, null).body()
                .get(IdentityRoutes.FINGERPRINT).asText());
        for (String bad : List.of("{}", "{\"algorithm\":\"ML-DSA-65\",\"public_key\":\"AAAA\"}",
                "{\"algorithm\":\"Ed25519\",\"public_key\":\"" + first.base64() + "\"}",
                keyBody(first).replace("}", ",\"device_id\":\"Soldier_Bravo\"}"), "[")) {
            Reply r = call("PUT", IdentityRoutes.OWN_KEY, alpha, bad);
            assertEquals(400, r.status(), bad + " -> " + r.raw());
        }
        assertEquals(second.fingerprint(), call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null).body()
                .get(IdentityRoutes.FINGERPRINT).asText(), "refused input changed nothing");
        assertEquals(401, call("PUT", IdentityRoutes.OWN_KEY, null, keyBody(first)).status());
        assertEquals(403, call("PUT", IdentityRoutes.OWN_KEY, OPERATOR, keyBody(first)).status());
        assertEquals(400, call("GET", "/devices/a%20b/identity_key", bravo, null).status());
    }

    @Test
    void aHybridKeyIsPublishedUnderItsOwnNameAndAMismatchedNameIsRefused() throws Exception {
        String alpha = devices.issueToken("Soldier_Alpha");
        String bravo = devices.issueToken("Soldier_Bravo");
        IdentityKey hybrid = IdentityKeyPair.generate(IdentityAlgorithm.ML_DSA_65_ED25519).publicKey();
        IdentityKey plain = IdentityKeyPair.generate().publicKey();
        for (String mismatched : List.of(
                "{\"algorithm\":\"ML-DSA-65\",\"public_key\":\"" + hybrid.base64() + "\"}",
                "{\"algorithm\":\"ML-DSA-65+Ed25519\",\"public_key\":\"" + plain.base64() + "\"}")) {
            Reply r = call("PUT", IdentityRoutes.OWN_KEY, alpha, mismatched);
            assertEquals(400, r.status(), r.raw());
        }
        assertEquals(404, call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null).status(),
                "refused input changed nothing");
        Reply put = call("PUT", IdentityRoutes.OWN_KEY, alpha, keyBody(hybrid));
        assertEquals(200, put.status(), put.raw());
        Reply fetched = call("GET", IdentityRoutes.peerKeyPath("Soldier_Alpha"), bravo, null);
        assertEquals("ML-DSA-65+Ed25519", fetched.body().get(IdentityRoutes.ALGORITHM).asText());
        assertEquals(hybrid, IdentityKey.fromBase64(fetched.body().get(IdentityRoutes.PUBLIC_KEY).asText()));
        assertEquals(hybrid.fingerprint(), fetched.body().get(IdentityRoutes.FINGERPRINT).asText());
    }

    private static String keyBody(IdentityKey key) {
        return "{\"algorithm\":\"" + key.algorithm().wireName() + "\",\"public_key\":\"" + key.base64() + "\"}";
    }

    @Test
    void replayedWrongDeviceAndExpiredCodesAreRefusedAndAudited() throws Exception {
        EnrollmentUri uri = newEnrollment("d1");
        assertEquals(401, enroll("d2", uri.code()).status());
        assertEquals(200, enroll("d1", uri.code()).status());
        Reply replay = enroll("d1", uri.code());
        assertEquals(401, replay.status());
        assertEquals("enrollment_refused", replay.body().get("error").asText());
        assertFalse(replay.raw().contains(uri.code()));

        EnrollmentUri late = newEnrollment("d3");
        clock.advance(EnrollmentSettings.DEFAULT_CODE_TTL);
        assertEquals(401, enroll("d3", late.code()).status());
        assertTrue(audit.stream().anyMatch(a -> a.contains("d3: expired code")), audit.toString());
        assertTrue(audit.stream().anyMatch(a -> a.contains("d1: already used code")), audit.toString());
        assertTrue(audit.stream().noneMatch(a -> a.contains(uri.code()) || a.contains(late.code())), "code in audit");
    }

    @Test
    void guessingIsRateLimitedEvenWithTheRightCodeAfterwards() throws Exception {
        EnrollmentUri uri = newEnrollment("d1");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, enroll("d1", "WRONGCODE" + i).status());
        }
        Reply limited = enroll("d1", uri.code());
        assertEquals(429, limited.status(), limited.raw());
        assertTrue(limited.retryAfter().isPresent());
        assertTrue(audit.stream().anyMatch(a -> a.startsWith("auth_failure") && a.contains("(429)")), audit.toString());
        clock.advance(Duration.ofMinutes(10));
        assertEquals(429, enroll("d1", uri.code()).status(), "still inside the 15-minute window");
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        EnrollmentUri fresh = newEnrollment("d1");
        assertEquals(200, enroll("d1", fresh.code()).status());
    }

    @Test
    void everyRouteAnswers401WithoutAnd403WithTheWrongCredential() throws Exception {
        String device = devices.issueToken("Soldier_Alpha");
        record Route(String method, String path, String body, String rightToken) {
        }
        List<Route> routes = List.of(
                new Route("POST", "/admin/enrollments", "{\"device_id\":\"x\"}", OPERATOR),
                new Route("GET", "/admin/devices", null, OPERATOR),
                new Route("DELETE", "/admin/devices/Soldier_Alpha", null, OPERATOR),
                new Route("POST", "/auth/introspect", "{\"token\":\"" + device + "\"}", RELAY),
                new Route("GET", "/auth/revocations", null, RELAY));
        for (Route r : routes) {
            Reply none = call(r.method(), r.path(), null, r.body());
            assertEquals(401, none.status(), r + " " + none.raw());
            assertEquals(401, call(r.method(), r.path(), BearerTokens.newToken(), r.body()).status(), r.toString());
            for (String wrong : List.of(OPERATOR, RELAY, ROUTER, device)) {
                if (!wrong.equals(r.rightToken())) {
                    Reply w = call(r.method(), r.path(), wrong, r.body());
                    assertEquals(403, w.status(), r + " " + w.raw());
                    assertFalse(w.raw().contains(device) || w.raw().contains(OPERATOR), w.raw());
                }
            }
        }
        long failures = audit.stream().filter(a -> a.startsWith("auth_failure")).count();
        assertEquals(routes.size() * 5L, failures, audit.toString());
        assertTrue(audit.stream().noneMatch(a -> a.contains(device) || a.contains(OPERATOR) || a.contains(RELAY)));
    }

    @Test
    void badInputIsA400ThatChangesNothing() throws Exception {
        for (String body : List.of("{}", "{\"device_id\":\"a b\"}", "{\"device_id\":\"_broadcast_\"}", "{\"device_id\":7}",
                "{\"device_id\":\"x\",\"extra\":1}", "[", "[]")) {
            assertEquals(400, call("POST", "/admin/enrollments", OPERATOR, body).status(), body);
        }
        assertEquals(400, call("POST", "/enroll", null, "{\"device_id\":\"d\"}").status());
        assertEquals(400, call("POST", "/enroll", null, "{\"device_id\":\"d\",\"code\":\"<script>\"}").status());
        assertEquals(400, call("GET", "/auth/revocations?wait=61", RELAY, null).status());
        assertEquals(400, call("GET", "/auth/revocations?after=x", RELAY, null).status());
        assertEquals(400, call("DELETE", "/admin/devices/a%20b", OPERATOR, null).status());
        assertEquals("{\"devices\":[]}", call("GET", "/admin/devices", OPERATOR, null).raw());
    }
}
