package qstcs.kms;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A latched RED outlives the KMS process: after force_attack and a restart on the same home the
 * link is still RED, no key is issued, and the audit log holds the breach and says why the new
 * run starts RED. Only /reset clears it, and a reset also survives the next restart.
 */
class BreachLatchRestartTest {

    @Test
    void redStaysLatchedAcrossARestartUntilReset() throws Exception {
        Path home = KmsTestServer.tempHome();
        try (KmsTestServer first = new KmsTestServer(home)) {
            first.awaitPool(256);
            assertEquals(200, first.key("Soldier_Alpha", "Soldier_Bravo").code());
            assertEquals("RED", first.post("/force_attack", "{}").json().get("status").asText());
        }
        assertTrue(Files.exists(home.resolve("kms").resolve("breach.latch")));

        try (KmsTestServer second = new KmsTestServer(home)) {
            JsonNode status = second.get("/link_status").json();
            assertEquals("RED", status.get("status").asText(), status.toString());
            assertTrue(status.get("qber").asDouble() >= 0.11, "the breach's QBER is kept: " + status);
            assertEquals(1, status.get("attacks_detected").asLong());
            var refused = second.key("Soldier_Alpha", "Soldier_Bravo");
            assertEquals("RED", refused.json().get("status").asText(), refused.body());
            assertFalse(refused.json().has("key_hex"), "no key while RED: " + refused.body());

            String audit = second.get("/admin/audit?limit=200").json().get("entries").toString();
            assertTrue(audit.contains("\"kind\":\"forced_attack\""), "the breach is still in the audit log: " + audit);
            assertTrue(audit.contains("\"kind\":\"breach_latched\""), "the restart says why it is RED: " + audit);
            assertFalse(audit.contains("\"kind\":\"reset\""), audit);

            assertEquals(200, second.post("/reset", "{}").code());
            assertEquals("GREEN", second.get("/link_status").json().get("status").asText());
        }
        assertFalse(Files.exists(home.resolve("kms").resolve("breach.latch")));

        try (KmsTestServer third = new KmsTestServer(home)) {
            assertEquals("GREEN", third.get("/link_status").json().get("status").asText());
            third.awaitPool(256);
            assertEquals(200, third.key("Soldier_Alpha", "Soldier_Bravo").code());
        }
    }

    @Test
    void anUnreadableLatchFailsClosed() throws Exception {
        Path home = KmsTestServer.tempHome();
        Files.createDirectories(home.resolve("kms"));
        Files.writeString(home.resolve("kms").resolve("breach.latch"), "qber=not a number\n");
        try (KmsTestServer kms = new KmsTestServer(home)) {
            assertEquals("RED", kms.get("/link_status").json().get("status").asText());
        }
    }
}
