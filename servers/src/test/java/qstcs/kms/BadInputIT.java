package qstcs.kms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okio.BufferedSink;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and sloppy requests get a 4xx JSON error that says what is wrong, never a 5xx or a
 * stack trace, and change nothing: afterwards the link is in the same state and still serves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    private static final String UUID = "123e4567-e89b-12d3-a456-426614174000";
    private static final String MIB_PLUS = "{\"device_id\":\"" + "A".repeat(1 << 20) + "\"}";

    private static KmsTestServer kms;
    private static JsonNode before;

    /** One row of the table: what is sent and the status expected. */
    record Case(String name, String method, String path, String body, int expected) {
        @Override
        public String toString() {
            return name + " → " + expected;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsTestServer(KmsTestServer.tempHome());
        kms.awaitPool(256);
        before = kms.get("/link_status").json();
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    static Stream<Case> cases() {
        String key = "/get_session_key";
        List<Case> c = new ArrayList<>(List.of(
                // JSON syntax and shape
                new Case("truncated JSON", "POST", key, "{\"device_id\":", 400),
                new Case("not JSON at all", "POST", key, "hello", 400),
                new Case("array body", "POST", key, "[]", 400),
                new Case("string body", "POST", key, "\"Soldier_Alpha\"", 400),
                new Case("number body", "POST", key, "42", 400),
                new Case("null body", "POST", key, "null", 400),
                new Case("empty body", "POST", key, "", 400),
                new Case("whitespace body", "POST", key, "  \n ", 400),
                new Case("duplicate field", "POST", key, "{\"device_id\":\"A\",\"device_id\":\"B\"}", 400),
                new Case("trailing garbage", "POST", key, "{\"device_id\":\"A\"} x", 400),
                new Case("deep nesting", "POST", key, "[".repeat(5000) + "]".repeat(5000), 400),
                new Case("unknown field", "POST", key, "{\"device_id\":\"A\",\"admin\":true}", 400),
                // missing fields and wrong types
                new Case("missing device_id", "POST", key, "{}", 400),
                new Case("null device_id", "POST", key, "{\"device_id\":null}", 400),
                new Case("numeric device_id", "POST", key, "{\"device_id\":7}", 400),
                new Case("object device_id", "POST", key, "{\"device_id\":{\"a\":1}}", 400),
                new Case("empty device_id", "POST", key, "{\"device_id\":\"\"}", 400),
                new Case("path in device_id", "POST", key, "{\"device_id\":\"../../etc/passwd\"}", 400),
                new Case("space in device_id", "POST", key, "{\"device_id\":\"Soldier Alpha\"}", 400),
                new Case("65-char device_id", "POST", key, "{\"device_id\":\"" + "a".repeat(65) + "\"}", 400),
                new Case("homoglyph device_id", "POST", key, "{\"device_id\":\"S\u043eldier\"}", 400),
                new Case("numeric peer_id", "POST", key, "{\"device_id\":\"A\",\"peer_id\":5}", 400),
                new Case("peer is self", "POST", key, "{\"device_id\":\"A\",\"peer_id\":\"A\"}", 400),
                new Case("slash in peer_id", "POST", key, "{\"device_id\":\"A\",\"peer_id\":\"a/b\"}", 400),
                new Case("force_attack as string", "POST", key, "{\"device_id\":\"A\",\"force_attack\":\"true\"}", 400),
                new Case("force_attack as number", "POST", key, "{\"device_id\":\"A\",\"force_attack\":1}", 400),
                new Case("pqc as string", "POST", key, "{\"device_id\":\"A\",\"pqc\":\"yes\"}", 400),
                new Case("rotate as array", "POST", key, "{\"device_id\":\"A\",\"rotate\":[true]}", 400),
                new Case("huge exponent", "POST", key, "{\"device_id\":\"A\",\"rotate\":1e999999}", 400),
                new Case("1 MiB body", "POST", key, MIB_PLUS, 413),
                // numbers no double or BigDecimal holds, in every JSON body (the anonymous one too)
                new Case("exponent past int range", "POST", key, "{\"device_id\":\"A\",\"rotate\":1e9999999999}", 400),
                new Case("exponent past int range in enroll", "POST", "/enroll",
                        "{\"device_id\":\"A\",\"code\":1e9999999999}", 400),
                new Case("exponent past int range in eve", "POST", "/eve",
                        "{\"active\":true,\"intercept_rate\":1e9999999999}", 400),
                new Case("negative exponent past int range in eve", "POST", "/eve",
                        "{\"active\":true,\"intercept_rate\":1e-9999999999}", 400),
                new Case("exponent past int range in heartbeat", "POST", "/router/heartbeat",
                        "{\"router_id\":\"r1\",\"state\":\"BLOCKING\",\"rule_present\":1e9999999999}", 400),
                new Case("exponent past int range in enrollments", "POST", "/admin/enrollments",
                        "{\"device_id\":1e9999999999}", 400),
                // operator routes: bad bodies must not attack, reset or switch Eve
                new Case("force_attack with unknown field", "POST", "/force_attack", "{\"now\":true}", 400),
                new Case("reset with array body", "POST", "/reset", "[1]", 400),
                new Case("eve active as string", "POST", "/eve", "{\"active\":\"yes\"}", 400),
                new Case("eve without rate", "POST", "/eve", "{\"active\":true}", 400),
                new Case("eve rate above 1", "POST", "/eve", "{\"active\":true,\"intercept_rate\":1.5}", 400),
                new Case("eve rate negative", "POST", "/eve", "{\"active\":true,\"intercept_rate\":-0.1}", 400),
                new Case("eve rate as string", "POST", "/eve", "{\"active\":true,\"intercept_rate\":\"0.5\"}", 400),
                new Case("eve empty object", "POST", "/eve", "{}", 400),
                // router heartbeat
                new Case("heartbeat unknown state", "POST", "/router/heartbeat",
                        "{\"router_id\":\"r1\",\"state\":\"MAYBE\",\"rule_present\":true}", 400),
                new Case("heartbeat missing rule_present", "POST", "/router/heartbeat",
                        "{\"router_id\":\"r1\",\"state\":\"BLOCKING\"}", 400),
                new Case("heartbeat router id with spaces", "POST", "/router/heartbeat",
                        "{\"router_id\":\"r 1\",\"state\":\"BLOCKING\",\"rule_present\":true}", 400),
                // long-poll parameters
                new Case("wait above 60", "GET", "/link_status?wait=61&version=1", null, 400),
                new Case("wait negative", "GET", "/link_status?wait=-1&version=1", null, 400),
                new Case("wait not a number", "GET", "/link_status?wait=abc&version=1", null, 400),
                new Case("wait NaN", "GET", "/link_status?wait=NaN&version=1", null, 400),
                new Case("wait infinite", "GET", "/link_status?wait=Infinity", null, 400),
                new Case("version negative", "GET", "/link_status?wait=1&version=-5", null, 400),
                new Case("version not a number", "GET", "/link_status?wait=1&version=abc", null, 400),
                // key ids and device names on /keys
                new Case("key id not a UUID", "GET", "/keys/not-a-uuid?device_id=A", null, 400),
                new Case("encoded traversal in key id", "GET", "/keys/..%2F..%2Fetc%2Fpasswd?device_id=A", null, 400),
                new Case("encoded backslashes in key id", "GET", "/keys/..%5C..%5Cwin.ini?device_id=A", null, 400),
                new Case("key id with NUL", "GET", "/keys/" + UUID + "%00?device_id=A", null, 400),
                new Case("no device named (its token names it)", "GET", "/keys/" + UUID, null, 404),
                new Case("traversal in device_id", "GET", "/keys/" + UUID + "?device_id=..%2Fx", null, 400),
                new Case("unknown key id", "GET", "/keys/" + UUID + "?device_id=A", null, 404),
                // audit paging
                new Case("audit limit 0", "GET", "/admin/audit?limit=0", null, 400),
                new Case("audit limit too big", "GET", "/admin/audit?limit=100000", null, 400),
                new Case("audit before not a number", "GET", "/admin/audit?before=abc", null, 400),
                // routes and methods
                new Case("unknown route", "GET", "/nope", null, 404),
                new Case("unknown nested route", "GET", "/admin/../../etc/passwd", null, 404),
                new Case("DELETE link_status", "DELETE", "/link_status", null, 405),
                new Case("GET get_session_key", "GET", key, null, 405),
                new Case("PUT reset", "PUT", "/reset", "{}", 405),
                new Case("GET force_attack", "GET", "/force_attack", null, 405),
                new Case("POST link_status", "POST", "/link_status", "{}", 405),
                new Case("POST keys", "POST", "/keys/" + UUID, "{}", 405)));
        return c.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithAClearClientError(Case c) {
        RequestBody body = c.body() == null ? null : RequestBody.create(c.body(), KmsTestServer.JSON);
        Request request = kms.asLegitimateCaller(c.method(), c.path(), body, c.body()).build();
        KmsTestServer.Reply r = KmsTestServer.call(request.isHttps() ? kms.https : kms.http, request);
        assertJsonError(c.expected(), r);
    }

    @Order(1)
    @Test
    void chunkedBodyOverTheLimitIs413() {
        RequestBody streamed = new RequestBody() {
            @Override
            public MediaType contentType() {
                return KmsTestServer.JSON;
            }

            @Override
            public long contentLength() {
                return -1; // chunked: the server cannot check a declared length
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8("{\"device_id\":\"");
                for (int i = 0; i < 2048; i++) {
                    sink.writeUtf8("A".repeat(1024));
                }
                sink.writeUtf8("\"}");
            }
        };
        KmsTestServer.Reply r = KmsTestServer.call(kms.https,
                kms.asLegitimateCaller("POST", "/get_session_key", streamed, null).build());
        assertJsonError(413, r);
    }

    @Order(1)
    @Test
    void malformedHttpIsAJsonErrorToo() throws IOException {
        for (String raw : List.of("GARBAGE\r\n\r\n", "GET /keys/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
                "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                "CONNECT /link_status HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /link_status HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")) {
            String reply = rawExchange(raw);
            String statusLine = reply.lines().findFirst().orElse("");
            assertTrue(statusLine.matches("HTTP/1\\.1 4\\d\\d .*"), raw + " gave " + statusLine);
            assertTrue(reply.contains("\"error\""), raw + " gave " + reply);
            assertFalse(reply.contains("Exception"), reply);
        }
    }

    @Order(2)
    @Test
    void nothingChangedAndTheServerStillServes() {
        JsonNode after = kms.get("/link_status").json();
        assertEquals("GREEN", after.get("status").asText());
        assertEquals(before.get("version").asLong(), after.get("version").asLong(), "no status change");
        assertEquals(0, after.get("attacks_detected").asLong(), "no attack from a rejected request");
        assertEquals(0, after.get("total_keys_issued").asLong(), "no key from a rejected request");
        assertFalse(after.get("eve_active").asBoolean());
        var key = kms.key("Soldier_Alpha", "Soldier_Bravo");
        assertEquals(200, key.code(), key.body());
        assertNotNull(key.json().get("key_hex"));
        JsonNode audit = kms.get("/admin/audit?limit=500").json();
        for (JsonNode e : audit.get("entries")) {
            String kind = e.get("kind").asText();
            assertFalse(kind.equals("forced_attack") || kind.equals("reset") || kind.equals("eve_changed"), e.toString());
        }
    }

    /** After the rest: these requests legitimately issue a key. */
    @Order(3)
    @Test
    void aClaimedDeviceMustBeTheTokensDevice() {
        String body = "{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}";
        String alphaToken = kms.deviceToken("Soldier_Alpha");
        for (String[] claim : new String[][] {{"?device_id=Soldier_Bravo", null}, {"", "Soldier_Bravo"}}) {
            Request.Builder r = new Request.Builder().url(kms.tlsUrl("/get_session_key" + claim[0]))
                    .post(RequestBody.create(body, KmsTestServer.JSON)).header("Authorization", "Bearer " + alphaToken);
            if (claim[1] != null) {
                r.header("X-Device-Id", claim[1]);
            }
            KmsTestServer.Reply refused = KmsTestServer.call(kms.https, r.build());
            assertJsonError(403, refused);
        }
        Request same = new Request.Builder().url(kms.tlsUrl("/get_session_key?device_id=Soldier_Alpha"))
                .post(RequestBody.create(body, KmsTestServer.JSON)).header("Authorization", "Bearer " + alphaToken)
                .header("X-Device-Id", "Soldier_Alpha").build();
        assertEquals(200, KmsTestServer.call(kms.https, same).code());
    }

    /** A path with a decoded line break or spaces never reaches the audit log as text. */
    @Order(3)
    @Test
    void urlTextNeverReachesTheAuditLog() {
        String forged = "/admin/devices/x%0A2026-01-01%20reset%20by%20operator";
        assertJsonError(401, KmsTestServer.call(kms.https, new Request.Builder().url(kms.tlsUrl(forged)).delete().build()));
        assertJsonError(403, KmsTestServer.call(kms.http, new Request.Builder().url(kms.url("/enroll%20now")).post(
                RequestBody.create("{}", KmsTestServer.JSON)).build()), 404);
        JsonNode entries = kms.get("/admin/audit?limit=50").json().get("entries");
        boolean recorded = false;
        for (JsonNode e : entries) {
            String text = e.toString();
            assertFalse(text.contains("\\n") || text.contains("reset by operator") || text.contains("enroll now"), text);
            recorded |= text.contains("path not recorded");
        }
        assertTrue(recorded, "the refused request itself is audited: " + entries);
    }

    private static void assertJsonError(int expected, KmsTestServer.Reply r, int... alternatives) {
        if (java.util.Arrays.stream(alternatives).anyMatch(a -> a == r.code())) {
            expected = r.code();
        }
        assertEquals(expected, r.code(), r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
        assertTrue(r.contentType() != null && r.contentType().startsWith("application/json"), r.contentType());
        assertNotNull(r.json(), "JSON body expected: " + r.body());
        assertTrue(r.json().hasNonNull("error") && r.json().hasNonNull("detail"), r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
        assertTrue(r.body().length() < 2000, "errors do not echo huge input back");
    }

    private static String rawExchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", kms.server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder sb = new StringBuilder();
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (sb.indexOf("\r\n\r\n") > 0 && sb.indexOf("}") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // return what arrived
            }
            return sb.toString();
        }
    }
}
