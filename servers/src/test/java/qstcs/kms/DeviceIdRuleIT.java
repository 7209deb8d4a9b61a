package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qstcs.crypto.wire.DeviceId;

/**
 * One device-id rule from enrollment to keys, on a real KMS: an id the rule accepts enrolls with
 * the one-time code and then gets a pair key with the device token it received; an id the rule
 * refuses is refused at enrollment with 400, both when the operator creates the code and when a
 * device redeems one. Nothing in between may disagree.
 */
@ExtendWith(LiveKms.class)
class DeviceIdRuleIT {

    private static KmsTestServer kms;

    @BeforeAll
    static void start(KmsTestServer shared) {
        kms = shared;
    }

    static List<String> accepted() {
        return List.of("a", "A.b-c_d", "Z", "7", "x".repeat(64));
    }

    static List<String> refused() {
        return List.of("_a", "-a", ".a", "x".repeat(65), "\u00e9", "", "a b", "_broadcast_", "*");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void anIdTheRuleAcceptsEnrollsAndGetsKeys(String id) {
        assertTrue(DeviceId.isValid(id), "the test's own premise");
        KmsTestServer.Reply created = operator("/admin/enrollments", json("device_id", id));
        assertEquals(200, created.code(), created.body());
        KmsTestServer.Reply enrolled = anonymous("/enroll", json("device_id", id).put("code", created.text("code")));
        assertEquals(200, enrolled.code(), enrolled.body());
        String token = enrolled.text("device_token");

        KmsTestServer.Reply key = asDevice(token, "/get_session_key", json("device_id", id).put("peer_id", "Peer_1"));
        assertEquals(200, key.code(), key.body());
        assertEquals(64, key.text("key_hex").length(), "a 256-bit key");
        KmsTestServer.Reply again = asDevice(token, "/keys/" + key.text("key_id") + "?device_id=" + id, null);
        assertEquals(200, again.code(), again.body());
        assertEquals(key.text("key_id"), again.text("key_id"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void anIdTheRuleRefusesIsRefusedAtEnrollmentWith400(String id) {
        KmsTestServer.Reply created = operator("/admin/enrollments", json("device_id", id));
        assertEquals(400, created.code(), created.body());
        assertEquals(null, created.json().get("code"), "no code for an id that could not use it");
        KmsTestServer.Reply redeemed = anonymous("/enroll", json("device_id", id).put("code", "ABCDEF-123456"));
        assertEquals(400, redeemed.code(), redeemed.body());
    }

    private static ObjectNode json(String field, String value) {
        return KmsTestServer.MAPPER.createObjectNode().put(field, value);
    }

    private static KmsTestServer.Reply operator(String path, ObjectNode body) {
        return post(path, body, kms.serviceToken("operator.token"));
    }

    private static KmsTestServer.Reply anonymous(String path, ObjectNode body) {
        return post(path, body, null);
    }

    private static KmsTestServer.Reply asDevice(String token, String path, ObjectNode body) {
        return body == null ? send(new Request.Builder().get(), path, token) : post(path, body, token);
    }

    private static KmsTestServer.Reply post(String path, ObjectNode body, String token) {
        return send(new Request.Builder().post(RequestBody.create(body.toString(), KmsTestServer.JSON)), path, token);
    }

    private static KmsTestServer.Reply send(Request.Builder b, String path, String token) {
        b.url(kms.tlsUrl(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return KmsTestServer.call(kms.https, b.build());
    }
}
