package qstcs.kms.etsi014;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.KmsServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenAPI document the KMS serves at {@code /openapi} is the one in the repository, names
 * every route, and real responses (ETSI 014 and QSTCS) fit the schemas it gives for them:
 * required fields present and every documented field of the documented type.
 */
class OpenApiDocumentIT {
    private static KmsServer kms;
    private static SaeClient master;
    private static SaeClient slave;
    private static OkHttpClient operator;
    private static Map<String, Object> doc;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        Path home = KmsServer.tempHome("qstcs-openapi");
        Path certs = Files.createTempDirectory("qstcs-openapi-certs");
        kms = KmsServer.startOnLoopback(home, "--round-ms", "300");
        master = SaeClient.issued(kms, "SAE_M", certs);
        slave = SaeClient.issued(kms, "SAE_S", certs);
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        operator = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        SaeClient.Reply served = SaeClient.call(new OkHttpClient(),
                new Request.Builder().url(kms.plainUrl() + "/openapi").build());
        assertEquals(200, served.code());
        assertEquals(Files.readString(Path.of("src/main/resources/openapi.yaml")), served.body(),
                "the served document is the repository's file");
        doc = new Yaml().load(served.body());
        while (kms.poolBits() < 4096) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        master.close();
        slave.close();
        kms.close();
    }

    @Test
    void everyKmsRouteIsDocumented() {
        Map<String, Object> paths = map(doc.get("paths"));
        for (String p : List.of("/link_status", "/openapi", "/router/heartbeat", "/get_session_key", "/keys/{key_id}",
                "/force_attack", "/reset", "/eve", "/events", "/admin/audit", "/admin/enrollments", "/admin/devices",
                "/admin/devices/{id}", "/enroll", "/auth/introspect", "/auth/revocations", "/observe/health",
                "/observe/metrics", "/api/v1/keys/{slave_SAE_ID}/status", "/api/v1/keys/{slave_SAE_ID}/enc_keys",
                "/api/v1/keys/{master_SAE_ID}/dec_keys", "/admin/history", "/admin/alarms", "/admin/alarms/{id}/ack",
                "/admin/sae-certs", "/admin/sae-certs/{sae_id}")) {
            assertTrue(paths.containsKey(p), "documented: " + p);
        }
    }

    @Test
    void etsiResponsesFitTheirSchemas() {
        check("/api/v1/keys/{slave_SAE_ID}/status", "get", master.get("/api/v1/keys/SAE_S/status"));
        SaeClient.Reply enc = master.encKeys("SAE_S", "{\"number\":2,\"size\":512}");
        check("/api/v1/keys/{slave_SAE_ID}/enc_keys", "post", enc);
        check("/api/v1/keys/{slave_SAE_ID}/enc_keys", "get", master.get("/api/v1/keys/SAE_S/enc_keys?size=64"));
        String id = enc.json().get("keys").get(0).get("key_ID").asText();
        check("/api/v1/keys/{master_SAE_ID}/dec_keys", "post", slave.decKeys("SAE_M", id));
        check("/api/v1/keys/{master_SAE_ID}/dec_keys", "get", slave.get("/api/v1/keys/SAE_M/dec_keys?key_ID="
                + enc.json().get("keys").get(1).get("key_ID").asText()));
        check("/api/v1/keys/{master_SAE_ID}/dec_keys", "post", slave.decKeys("SAE_M", id)); // 400 not found
        check("/api/v1/keys/{slave_SAE_ID}/enc_keys", "post",
                master.encKeys("SAE_S", "{\"extension_mandatory\":[{\"x\":1}]}")); // 400 with details
        check("/api/v1/keys/{slave_SAE_ID}/status", "get", SaeClient.call(operator, new Request.Builder()
                .url(kms.tlsUrl() + "/api/v1/keys/SAE_S/status").build())); // 401
        assertEquals(200, op("/force_attack").code());
        check("/api/v1/keys/{slave_SAE_ID}/enc_keys", "post", master.encKeys("SAE_S", "{}")); // 503
        check("/reset", "post", op("/reset"));
    }

    @Test
    void qstcsResponsesFitTheirSchemas() {
        check("/link_status", "get", SaeClient.call(new OkHttpClient(),
                new Request.Builder().url(kms.plainUrl() + "/link_status").build()));
        String token = kms.issueDeviceToken("Soldier_Alpha");
        SaeClient.Reply key = SaeClient.call(operator, new Request.Builder().url(kms.tlsUrl() + "/get_session_key")
                .header("Authorization", "Bearer " + token)
                .post(RequestBody.create("{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}",
                        MediaType.get("application/json"))).build());
        check("/get_session_key", "post", key);
        check("/get_session_key", "post", SaeClient.call(operator, new Request.Builder()
                .url(kms.tlsUrl() + "/get_session_key").post(RequestBody.create("{}", MediaType.get("application/json")))
                .build())); // 401
    }

    private static SaeClient.Reply op(String path) {
        return SaeClient.call(operator, new Request.Builder().url(kms.tlsUrl() + path)
                .header("Authorization", "Bearer " + kms.operatorToken())
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build());
    }

    /** The reply fits the schema the document gives for this path, method and status code. */
    private static void check(String path, String method, SaeClient.Reply reply) {
        Map<String, Object> op = map(map(map(doc.get("paths")).get(path)).get(method));
        assertNotNull(op, method + " " + path + " is documented");
        Object response = map(op.get("responses")).get(Integer.toString(reply.code()));
        assertNotNull(response, method + " " + path + " documents status " + reply.code() + " (" + reply + ")");
        Map<String, Object> r = resolve(map(response));
        Map<String, Object> schema = map(map(map(r.get("content")).get("application/json")).get("schema"));
        assertNotNull(reply.json(), "a JSON body: " + reply);
        List<String> problems = new ArrayList<>();
        validate(reply.json(), schema, "$", problems);
        if (!problems.isEmpty()) {
            fail(method + " " + path + " " + reply.code() + ": " + problems + "\n" + reply.body());
        }
    }

    private static void validate(JsonNode value, Map<String, Object> schemaOrRef, String where, List<String> problems) {
        Map<String, Object> schema = resolve(schemaOrRef);
        if (schema.containsKey("oneOf")) {
            int fits = 0;
            for (Object alt : (List<?>) schema.get("oneOf")) {
                List<String> p = new ArrayList<>();
                validate(value, map(alt), where, p);
                fits += p.isEmpty() ? 1 : 0;
            }
            if (fits != 1) {
                problems.add(where + " fits " + fits + " of the oneOf alternatives");
            }
            return;
        }
        String type = (String) schema.get("type");
        boolean ok = type == null || switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> false;
        };
        if (!ok) {
            problems.add(where + " is not " + type + ": " + value);
            return;
        }
        if (schema.containsKey("enum") && !((List<?>) schema.get("enum")).contains(value.asText())) {
            problems.add(where + " is not one of " + schema.get("enum"));
        }
        if ("uuid".equals(schema.get("format")) && !value.asText().matches("[0-9a-f-]{36}")) {
            problems.add(where + " is not a UUID");
        }
        if ("byte".equals(schema.get("format"))) {
            try {
                java.util.Base64.getDecoder().decode(value.asText());
            } catch (IllegalArgumentException e) {
                problems.add(where + " is not base64");
            }
        }
        if (value.isObject()) {
            for (Object req : (List<?>) schema.getOrDefault("required", List.of())) {
                if (!value.has((String) req)) {
                    problems.add(where + " lacks required " + req);
                }
            }
            Map<String, Object> props = map(schema.getOrDefault("properties", Map.of()));
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (props.containsKey(f)) {
                    validate(value.get(f), map(props.get(f)), where + "." + f, problems);
                }
            }
        }
        if (value.isArray() && schema.containsKey("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(value.get(i), map(schema.get("items")), where + "[" + i + "]", problems);
            }
        }
    }

    private static Map<String, Object> resolve(Map<String, Object> node) {
        Map<String, Object> n = node;
        while (n.containsKey("$ref")) {
            String[] parts = ((String) n.get("$ref")).substring(2).split("/");
            Map<String, Object> target = doc;
            for (String p : parts) {
                target = map(target.get(p));
            }
            n = target;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? null : (Map<String, Object>) o;
    }
}
