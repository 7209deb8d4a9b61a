package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;
import org.junit.jupiter.api.TestMethodOrder;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.identity.SettableClock;
import qstcs.server.pki.LocalCa;

/**
 * docs/identity.md against the real KMS: every route × every kind of credential gives the documented
 * status (the table README.md shows), no non-2xx body carries key material or a token, every
 * refusal is audited, no key or admin route answers on the plain port, and a TLS client that does
 * not pin the QSTCS CA cannot even complete the handshake.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationMatrixIT {

    /** Who is calling: the columns of the matrix. */
    enum Cred { NONE, DEVICE, OTHER_DEVICE, OPERATOR, REVOKED, ROUTER, RELAY }

    record Route(String method, String path, String body, Map<Cred, Integer> expected, boolean stream) {
        @Override
        public String toString() {
            return method + " " + path.replaceAll("[0-9a-f-]{36}", "{key_id}");
        }
    }

    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-f]{64}");
    private static final SettableClock CLOCK = new SettableClock(Instant.now());
    private static KmsTestServer kms;
    private static final Map<Cred, String> TOKENS = new EnumMap<>(Cred.class);
    private static String keyId;
    private static String keyHex;

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsTestServer(KmsTestServer.tempHome(), CLOCK, Map.of());
        kms.awaitPool(4 * 256);
        TOKENS.put(Cred.DEVICE, kms.deviceToken("Soldier_Alpha"));
        TOKENS.put(Cred.OTHER_DEVICE, kms.deviceToken("Soldier_Charlie"));
        TOKENS.put(Cred.OPERATOR, kms.serviceToken("operator.token"));
        TOKENS.put(Cred.ROUTER, kms.serviceToken("router.token"));
        TOKENS.put(Cred.RELAY, kms.serviceToken("relay.token"));
        String revoked = kms.deviceToken("Soldier_Delta");
        assertEquals(200, kms.request("DELETE", "/admin/devices/Soldier_Delta", null).code());
        TOKENS.put(Cred.REVOKED, revoked);
        kms.deviceToken("Soldier_Zulu"); // revoked by the matrix itself
        var key = kms.key("Soldier_Alpha", "Soldier_Bravo");
        keyId = key.text("key_id");
        keyHex = key.text("key_hex");
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    /** Expected status per credential for a route class (public routes ignore credentials). */
    private static Map<Cred, Integer> only(Cred allowed) {
        Map<Cred, Integer> m = new EnumMap<>(Cred.class);
        for (Cred c : Cred.values()) {
            m.put(c, c == allowed ? 200 : c == Cred.NONE || c == Cred.REVOKED ? 401 : 403);
        }
        return m;
    }

    /** Routes any enrolled device may call about itself or the directory. */
    private static Map<Cred, Integer> anyDevice() {
        Map<Cred, Integer> m = only(Cred.DEVICE);
        m.put(Cred.OTHER_DEVICE, 200);
        return m;
    }

    private static Map<Cred, Integer> everyone() {
        Map<Cred, Integer> m = new EnumMap<>(Cred.class);
        for (Cred c : Cred.values()) {
            m.put(c, 200);
        }
        return m;
    }

    /** The routes in an order that keeps the destructive ones (attack, reset) last. */
    static List<Route> routes() {
        String heartbeat = "{\"router_id\":\"r1\",\"state\":\"ALLOWING\",\"rule_present\":false}";
        return List.of(
                new Route("GET", "/link_status", null, everyone(), false),
                new Route("POST", "/get_session_key", "{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}",
                        only(Cred.DEVICE), false),
                new Route("GET", "/keys/" + keyId, null, only(Cred.DEVICE), false),
                new Route("GET", "/devices", null, anyDevice(), false),
                new Route("PUT", "/devices/me/identity_key", "{\"algorithm\":\"ML-DSA-65\",\"public_key\":\""
                        + qstcs.crypto.identity.IdentityKeyPair.generate().publicKey().base64() + "\"}", anyDevice(), false),
                new Route("GET", "/devices/me/identity_key", null, anyDevice(), false),
                new Route("POST", "/router/heartbeat", heartbeat, only(Cred.ROUTER), false),
                new Route("POST", "/auth/introspect", "{\"token\":\"" + TOKENS.get(Cred.DEVICE) + "\"}", only(Cred.RELAY), false),
                new Route("GET", "/auth/revocations?wait=0", null, only(Cred.RELAY), false),
                new Route("POST", "/admin/enrollments", "{\"device_id\":\"Soldier_Echo\"}", only(Cred.OPERATOR), false),
                new Route("GET", "/admin/devices", null, only(Cred.OPERATOR), false),
                new Route("GET", "/admin/audit?limit=5", null, only(Cred.OPERATOR), false),
                new Route("GET", "/admin/history?range=5m", null, only(Cred.OPERATOR), false),
                new Route("GET", "/admin/alarms", null, only(Cred.OPERATOR), false),
                new Route("GET", "/admin/sae-certs", null, only(Cred.OPERATOR), false),
                new Route("POST", "/admin/sae-certs", "{\"sae_id\":\"sae-matrix\"}", only(Cred.OPERATOR), false),
                new Route("GET", "/events", null, only(Cred.OPERATOR), true),
                new Route("POST", "/eve", "{\"active\":false,\"intercept_rate\":0}", only(Cred.OPERATOR), false),
                new Route("DELETE", "/admin/devices/Soldier_Zulu", null, only(Cred.OPERATOR), false),
                new Route("DELETE", "/admin/sae-certs/sae-matrix", null, only(Cred.OPERATOR), false),
                new Route("POST", "/force_attack", "", only(Cred.OPERATOR), false),
                new Route("POST", "/reset", "", only(Cred.OPERATOR), false));
    }

    private static int[] send(OkHttpClient client, Request request, boolean stream, StringBuilder body) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            if (!stream || r.code() != 200) {
                body.append(r.body().string());
            }
            return new int[] {r.code()};
        }
    }

    private static Request tls(Route route, String token) {
        Request.Builder b = new Request.Builder().url(kms.tlsUrl(route.path()))
                .method(route.method(), route.body() == null ? null : RequestBody.create(route.body(), KmsTestServer.JSON));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    @Order(1)
    @Test
    void everyRouteAndCredentialGivesTheDocumentedStatus() throws Exception {
        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder("route | " + String.join(" | ", java.util.Arrays.stream(Cred.values())
                .map(Enum::name).toList()) + "\n");
        int refusals = 0;
        for (Route route : routes()) {
            table.append(route);
            for (Cred cred : Cred.values()) {
                StringBuilder body = new StringBuilder();
                int code = send(kms.https, tls(route, TOKENS.get(cred)), route.stream(), body)[0];
                table.append(" | ").append(code);
                if (code != route.expected().get(cred)) {
                    wrong.add(route + " with " + cred + ": " + code + " (expected " + route.expected().get(cred) + ") " + body);
                }
                if (code >= 300) {
                    refusals++;
                    String text = body.toString();
                    if (text.contains("key_hex") || text.contains(keyHex) || HEX_KEY.matcher(text).find()) {
                        wrong.add(route + " with " + cred + ": key material or a token in a " + code + " body: " + text);
                    }
                    assertTrue(text.startsWith("{\"error\":"), route + " " + cred + " " + text);
                }
            }
            table.append('\n');
        }
        System.out.println(table);
        assertEquals(List.of(), wrong);

        // Every refusal above is in the audit log, without a token.
        // The audit log writes in batches: wait until it holds every refusal.
        long expected = refusals;
        var audit = Await.value("an auth_failure entry per refusal (" + refusals + ")",
                () -> kms.request("GET", "/admin/audit?limit=500", null),
                r -> refusalsRecorded(r.json()) >= expected);
        for (String token : TOKENS.values()) {
            assertFalse(audit.body().contains(token), "a token in the audit log");
        }
    }

    /**
     * Refusals the audit log accounts for: one per {@code auth_failure} entry, plus the count an
     * entry adds for the anonymous refusals like it that were folded into it.
     */
    private static long refusalsRecorded(com.fasterxml.jackson.databind.JsonNode audit) {
        long n = 0;
        for (com.fasterxml.jackson.databind.JsonNode e : audit.get("entries")) {
            if (e.get("kind").asText().equals("auth_failure")) {
                n++;
                java.util.regex.Matcher more = java.util.regex.Pattern.compile("\\(and (\\d+) more like it")
                        .matcher(e.get("detail").asText());
                if (more.find()) {
                    n += Long.parseLong(more.group(1));
                }
            }
        }
        return n;
    }

    @Order(2)
    @Test
    void noKeyOrAdminRouteAnswersOnThePlainPort() throws Exception {
        List<String> served = new ArrayList<>();
        for (Route route : routes()) {
            String bare = route.path().replaceAll("\\?.*", "");
            if (bare.equals("/link_status") || bare.equals("/router/heartbeat") || route.method().equals("DELETE")
                    || bare.equals("/force_attack") || bare.equals("/reset")) {
                continue; // public, router (plain by design), or destructive: checked below without effect
            }
            // The right credential, sent in clear text: refused all the same, pointing to TLS.
            Cred right = route.expected().entrySet().stream().filter(e -> e.getValue() == 200).findFirst().orElseThrow().getKey();
            Request plain = tls(route, TOKENS.get(right)).newBuilder().url(kms.url(route.path())).build();
            StringBuilder body = new StringBuilder();
            int code = send(kms.http, plain, route.stream(), body)[0];
            if (code != 403 || !body.toString().contains("tls_required") || !body.toString().contains("https://")) {
                served.add(route + " on the plain port: " + code + " " + body);
            }
        }
        for (String path : List.of("/force_attack", "/reset", "/enroll", "/admin/devices/Soldier_Alpha")) {
            String method = path.startsWith("/admin/devices/") ? "DELETE" : "POST";
            Request plain = new Request.Builder().url(kms.url(path)).header("Authorization", "Bearer " + TOKENS.get(Cred.OPERATOR))
                    .method(method, method.equals("POST") ? RequestBody.create("{}", KmsTestServer.JSON) : null).build();
            StringBuilder body = new StringBuilder();
            int code = send(kms.http, plain, false, body)[0];
            if (code != 403) {
                served.add(method + " " + path + " on the plain port: " + code + " " + body);
            }
        }
        assertEquals(List.of(), served);
        assertEquals("GREEN", kms.get("/link_status").text("status"), "nothing on the plain port had an effect");
    }

    @Order(3)
    @Test
    void aTlsClientThatDoesNotPinTheQstcsCaFailsTheHandshake() {
        OkHttpClient jdkDefault = new OkHttpClient();
        assertThrows(SSLHandshakeException.class, () -> jdkDefault.newCall(
                new Request.Builder().url(kms.tlsUrl("/link_status")).build()).execute().close());
        PinnedCaTrust other = PinnedCaTrust.of(LocalCa.create(java.time.Clock.systemUTC()).fingerprint());
        OkHttpClient wrongPin = new OkHttpClient.Builder().sslSocketFactory(other.sslContext().getSocketFactory(),
                other.trustManager()).build();
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> wrongPin.newCall(
                new Request.Builder().url(kms.tlsUrl("/link_status")).build()).execute().close());
        String messages = e + " " + e.getCause();
        assertTrue(messages.contains("certificate not issued by the pinned QSTCS CA"), messages);
        assertTrue(messages.contains("expected " + other.pin()), messages);
        jdkDefault.connectionPool().evictAll();
        wrongPin.connectionPool().evictAll();
    }

    @Order(4)
    @Test
    void enrollmentCodesWorkOnceAndOnlyWithinTheirTtl() throws Exception {
        var created = kms.request("POST", "/admin/enrollments", "{\"device_id\":\"Soldier_Foxtrot\"}");
        assertEquals(200, created.code(), created.body());
        EnrollmentUri fresh = EnrollmentUri.parse(created.text("enrollment_uri"));
        assertEquals(kms.identity.caFingerprint(), fresh.ca());
        EnrollmentUri late = EnrollmentUri.parse(kms.request("POST", "/admin/enrollments",
                "{\"device_id\":\"Soldier_Golf\"}").text("enrollment_uri"));

        assertEquals(401, enroll("Soldier_Golf", fresh.code()).code(), "a code is bound to its device");
        var ok = enroll("Soldier_Foxtrot", fresh.code());
        assertEquals(200, ok.code(), ok.body());
        String token = ok.text("device_token");
        assertEquals(kms.identity.caFingerprint().toString(), ok.text("ca_fingerprint"));
        var replay = enroll("Soldier_Foxtrot", fresh.code());
        assertEquals(401, replay.code(), "replayed code");
        assertFalse(replay.body().contains(fresh.code()) || replay.body().contains(token));

        CLOCK.advance(Duration.ofMinutes(15));
        var expired = enroll("Soldier_Golf", late.code());
        assertEquals(401, expired.code(), "expired code");
        assertEquals("enrollment_refused", expired.text("error"));

        // The enrolled token works for its own device's keys.
        var key = KmsTestServer.call(kms.https, new Request.Builder().url(kms.tlsUrl("/get_session_key"))
                .header("Authorization", "Bearer " + token)
                .post(RequestBody.create("{\"device_id\":\"Soldier_Foxtrot\",\"peer_id\":\"Soldier_Alpha\"}",
                        KmsTestServer.JSON)).build());
        assertEquals(200, key.code(), key.body());
    }

    private static KmsTestServer.Reply enroll(String device, String code) {
        return KmsTestServer.call(kms.https, new Request.Builder().url(kms.tlsUrl("/enroll"))
                .post(RequestBody.create("{\"device_id\":\"" + device + "\",\"code\":\"" + code + "\"}",
                        KmsTestServer.JSON)).build());
    }
}
