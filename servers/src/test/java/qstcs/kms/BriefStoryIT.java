package qstcs.kms;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three acts of the demo story over real HTTP against a real KMS with a real BB84 link. */
@ExtendWith(LiveKms.class)
class BriefStoryIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start(KmsTestServer shared) {
        kms = shared;
    }

    @Test
    void pairKeyBreachAndRecovery() throws Exception {
        kms.awaitPool(4 * 256);
        var base = kms.get("/link_status").json(); // other tests share this server
        // Act 1: both members of a pair get the same key.
        var alpha = kms.key("Soldier_Alpha", "Soldier_Bravo");
        assertEquals(200, alpha.code(), alpha.body());
        assertEquals("GREEN", alpha.text("status"));
        assertTrue(alpha.text("key_hex").matches("[0-9a-f]{64}"), alpha.body());
        assertTrue(alpha.json().get("qber").asDouble() < 0.05, alpha.body());
        var bravo = kms.key("Soldier_Bravo", "Soldier_Alpha");
        assertEquals(alpha.text("key_id"), bravo.text("key_id"));
        assertEquals(alpha.text("key_hex"), bravo.text("key_hex"));
        String keyId = alpha.text("key_id");

        var fetched = kms.get("/keys/" + keyId + "?device_id=Soldier_Bravo");
        assertEquals(200, fetched.code(), fetched.body());
        assertEquals(alpha.text("key_hex"), fetched.text("key_hex"));
        var charlie = kms.get("/keys/" + keyId + "?device_id=Soldier_Charlie");
        assertEquals(403, charlie.code(), charlie.body());
        assertFalse(charlie.body().contains(alpha.text("key_hex")));

        // The original body (no peer) still works: the broadcast group key.
        var brief = kms.post("/get_session_key", "{\"device_id\":\"Soldier_Alpha\",\"force_attack\":false}");
        assertEquals(200, brief.code(), brief.body());
        assertEquals("GREEN", brief.text("status"));
        assertNotEquals(keyId, brief.text("key_id"));

        var status = kms.get("/link_status");
        assertTrue(status.body().startsWith("{\"status\":\"GREEN\""), status.body());
        assertEquals(3, status.json().get("total_keys_issued").asLong() - base.get("total_keys_issued").asLong());
        assertEquals(2, status.json().get("total_sessions").asLong() - base.get("total_sessions").asLong());
        assertEquals(2, status.json().get("active_sessions").asLong() - base.get("active_sessions").asLong());

        // Act 2: forced attack.
        var attack = kms.post("/force_attack", "");
        assertEquals(200, attack.code(), attack.body());
        assertEquals("RED", attack.text("status"));
        double breachQber = attack.json().get("qber").asDouble();
        assertTrue(breachQber > 0.19 && breachQber < 0.32, "full intercept-resend gives ≈ 0.25: " + breachQber);

        var red = kms.key("Soldier_Alpha", "Soldier_Bravo");
        assertEquals(200, red.code());
        assertEquals("RED", red.text("status"));
        assertEquals(KmsJson.COMPROMISED, red.text("error"));
        assertFalse(red.json().has("key_hex"));
        assertEquals(410, kms.get("/keys/" + keyId + "?device_id=Soldier_Alpha").code(), "revoked");

        // Rounds keep running; RED stays latched with the breach QBER, the live QBER moves on.
        long round = kms.get("/link_status").json().get("round").asLong();
        KmsTestServer.Reply later = Await.value("two more rounds while RED", () -> kms.get("/link_status"),
                r -> r.json().get("round").asLong() >= round + 2);
        assertEquals("RED", later.text("status"));
        assertEquals(breachQber, later.json().get("qber").asDouble(), 1e-9);
        assertTrue(later.json().get("last_round_qber").asDouble() < 0.05, later.body());
        assertEquals(1, later.json().get("attacks_detected").asLong());
        assertEquals(0, later.json().get("active_sessions").asLong());
        assertEquals(0, later.json().get("pool_bits").asLong());
        assertEquals("RED", kms.key("Soldier_Bravo", "Soldier_Alpha").text("status"));

        // The original force_attack flag on get_session_key is an operator action now (docs/identity.md):
        // a device asking for it gets 403, and the operator uses POST /force_attack.
        var briefAttack = kms.post("/get_session_key", "{\"device_id\":\"Soldier_Alpha\",\"force_attack\":true}");
        assertEquals(403, briefAttack.code(), briefAttack.body());
        assertEquals("forbidden", briefAttack.text("error"));

        // Act 3: reset, GREEN again, fresh keys.
        var reset = kms.post("/reset", "");
        assertEquals("{\"status\":\"reset_complete\"}", reset.body());
        var after = kms.get("/link_status");
        assertEquals("GREEN", after.text("status"));
        assertEquals(0, after.json().get("attacks_detected").asLong());
        assertEquals(0, after.json().get("total_keys_issued").asLong());
        var fresh = kms.key("Soldier_Alpha", "Soldier_Bravo");
        assertEquals(200, fresh.code(), fresh.body());
        assertEquals("GREEN", fresh.text("status"));
        assertNotEquals(keyId, fresh.text("key_id"));
        assertNotEquals(alpha.text("key_hex"), fresh.text("key_hex"));
        assertEquals(fresh.text("key_hex"), kms.key("Soldier_Bravo", "Soldier_Alpha").text("key_hex"));
    }

    @Test
    void tlsListenerServesEveryRouteWithACertificateFromTheLocalCa() throws Exception {
        kms.awaitPool(256);
        var status = kms.tlsGet("/link_status");
        assertEquals(200, status.code());
        var key = kms.tlsPost("/get_session_key", "{\"device_id\":\"Dev_1\",\"peer_id\":\"Dev_2\"}");
        assertEquals(200, key.code(), key.body());
        assertEquals(200, kms.tlsGet("/observe/health").code());
    }

    @Test
    void stateFilesArePrivate() throws Exception {
        Path dir = kms.home.resolve("kms");
        for (String f : new String[] {"audit.db", "ca.key", "ca.crt"}) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    java.nio.file.Files.getPosixFilePermissions(dir.resolve(f))), f);
        }
    }
}
