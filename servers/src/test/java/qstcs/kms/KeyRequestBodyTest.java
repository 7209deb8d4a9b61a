package qstcs.kms;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.link.LinkColour;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fast key-request reader and the direct key-reply writer must be invisible: every body gets
 * the same result (or the same 400, word for word) as the general Jackson path, and every reply
 * the same bytes as the Jackson tree.
 */
class KeyRequestBodyTest {

    static List<String> bodies() {
        return List.of(
                "{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}",
                "{\"device_id\":\"Soldier_Alpha\"}",
                " {\n \"device_id\" : \"A\" , \"peer_id\" : \"_broadcast_\" , \"pqc\" : true ,\"rotate\":false}\t",
                "{\"device_id\":\"A\",\"force_attack\":true}",
                "{\"device_id\":\"A\",\"force_attack\":false,\"pqc\":false,\"rotate\":true,\"peer_id\":\"b.c-d\"}",
                // everything below must fall through to the general path and fail (or pass) there alike
                "", "  \n ", "{}", "[]", "null", "42", "\"A\"", "{", "{\"device_id\":", "{\"device_id\":\"A\"",
                "{\"device_id\":\"A\",}", "{\"device_id\":\"A\"} x", "{\"device_id\":\"A\"}}",
                "{\"device_id\":\"A\",\"device_id\":\"B\"}", "{\"device_id\":\"A\",\"admin\":true}",
                "{\"device_id\":null}", "{\"device_id\":7}", "{\"device_id\":{\"a\":1}}", "{\"device_id\":\"\"}",
                "{\"device_id\":\"../../etc/passwd\"}", "{\"device_id\":\"Soldier Alpha\"}",
                "{\"device_id\":\"" + "a".repeat(65) + "\"}", "{\"device_id\":\"S\u043eldier\"}",
                "{\"device_id\":\"\\u0041\"}", "{\"device_id\":\"A\\\"\"}", "{\"device_id\":\"A\",\"peer_id\":5}",
                "{\"device_id\":\"A\",\"peer_id\":null}", "{\"device_id\":\"A\",\"peer_id\":\"a/b\"}",
                "{\"device_id\":\"A\",\"force_attack\":\"true\"}", "{\"device_id\":\"A\",\"force_attack\":1}",
                "{\"device_id\":\"A\",\"pqc\":truex}", "{\"device_id\":\"A\",\"pqc\":tru}",
                "{\"device_id\":\"A\",\"rotate\":[true]}", "{\"device_id\":\"A\",\"rotate\":1e999999}",
                "{\"device_id\":\"A\",\"rotate\":true,\"rotate\":false}", "{\"peer_id\":\"B\"}",
                "{\"device_id\":\"A\"\u0000}", "{'device_id':'A'}");
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void fastAndGeneralPathsAgree(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        Object general = outcome(() -> KeyRequestBody.general(body));
        Object either = outcome(() -> KeyRequestBody.parse(body));
        assertEquals(general, either, "body " + text);
    }

    @Test
    void theUsualBodyIsReadWithoutTheGeneralPath() {
        // Indirect but failing if the fast reader refused it: the result is the full record.
        assertEquals(new KeyRequestBody("Soldier_Alpha", "Soldier_Bravo", false, true, false),
                KeyRequestBody.parse("{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\",\"pqc\":true}"
                        .getBytes(StandardCharsets.US_ASCII)));
        ApiError e = assertThrows(ApiError.class, () -> KeyRequestBody.parse("{\"device_id\":\"a b\"}"
                .getBytes(StandardCharsets.US_ASCII)));
        assertEquals("invalid_field", e.error());
    }

    @Test
    void directKeyReplyIsByteForByteTheJacksonTree() {
        double[] qbers = {0.0, 0.0123456789, 1e-7, 0.25, 0.085, 1.0 / 3};
        for (double qber : qbers) {
            for (LinkColour status : LinkColour.values()) {
                for (boolean pqc : new boolean[] {false, true}) {
                    PairKey pk = new PairKey(UUID.randomUUID(), DevicePair.of("Soldier_Alpha", "Soldier_Bravo"),
                            Instant.parse("2026-11-25T23:30:01.123456789Z"), 0L, 1000, SecretBytes.random(32, new java.security.SecureRandom()));
                    IssuedKey k = new IssuedKey(pk, qber, status, true);
                    assertArrayEquals(Json.bytes(jacksonTree(k, pqc)), KmsJson.keyBytes(k, pqc),
                            () -> new String(KmsJson.keyBytes(k, pqc), StandardCharsets.US_ASCII));
                    pk.rotate();
                    IssuedKey rotated = new IssuedKey(pk, qber, status, false);
                    assertArrayEquals(Json.bytes(jacksonTree(rotated, pqc)), KmsJson.keyBytes(rotated, pqc));
                }
            }
        }
    }

    /** The key reply as the API documents it, built with Jackson from the same values. */
    private static com.fasterxml.jackson.databind.node.ObjectNode jacksonTree(IssuedKey k, boolean pqc) {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
        o.put("key_id", k.keyId());
        o.put("key_hex", k.key().toHex());
        o.put("qber", KmsJson.round6(k.qber()));
        o.put("status", k.status().name());
        o.put("pqc", pqc);
        o.put("state", k.state().name().toLowerCase(java.util.Locale.ROOT));
        o.put("message_budget", k.messageBudget());
        o.put("created_at", k.createdAt().toString());
        return o;
    }

    /** A comparable outcome: the record, or the error's status, code and detail. */
    private static Object outcome(java.util.function.Supplier<KeyRequestBody> parse) {
        try {
            return parse.get();
        } catch (ApiError e) {
            return e.status().code() + " " + e.error() + ": " + e.detail();
        }
    }
}
