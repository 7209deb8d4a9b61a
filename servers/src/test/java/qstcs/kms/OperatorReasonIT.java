package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import qstcs.testing.Await;

/**
 * Force attack and reset say in the audit log who asked for them and, when given, why; the
 * reason is optional, so the old bodiless calls keep working, and bad reasons change nothing.
 */
@ExtendWith(LiveKms.class)
class OperatorReasonIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start(KmsTestServer shared) {
        kms = shared;
    }

    @Test
    void aForcedAttackIsAuditedUnderTheOperatorWithTheReason() {
        kms.post("/reset", "");
        var attack = kms.post("/force_attack", "{\"reason\":\"drill 7: Eve on the fibre\"}");
        assertEquals(200, attack.code(), attack.body());
        JsonNode entry = newest("forced_attack");
        assertTrue(entry.get("actor").asText().startsWith("operator"), "the operator forced it, not the system: " + entry);
        assertTrue(entry.get("detail").asText().endsWith("; reason: drill 7: Eve on the fibre"), entry.toString());

        var reset = kms.post("/reset", "{\"reason\":\"drill over\"}");
        assertEquals(200, reset.code(), reset.body());
        JsonNode resetEntry = newest("reset");
        assertTrue(resetEntry.get("actor").asText().startsWith("operator"), resetEntry.toString());
        assertTrue(resetEntry.get("detail").asText().endsWith("; reason: drill over"), resetEntry.toString());
    }

    @Test
    void withoutABodyThereIsNoReason() {
        kms.post("/reset", "");
        assertEquals(200, kms.post("/force_attack", "").code());
        JsonNode entry = newest("forced_attack");
        assertTrue(entry.get("actor").asText().startsWith("operator"), entry.toString());
        assertFalse(entry.get("detail").asText().contains("reason"), entry.toString());
        assertEquals(200, kms.post("/reset", "{}").code());
    }

    @Test
    void aBadReasonIsA400AndChangesNothing() {
        kms.post("/reset", "");
        // The first round after a reset moves the version once more (its QBER replaces the reset's 0).
        long resetRound = kms.get("/link_status").json().get("round").asLong();
        Await.until("a round after the reset", () -> kms.get("/link_status").json().get("round").asLong() > resetRound);
        long version = kms.get("/link_status").json().get("version").asLong();
        for (String body : new String[] {"{\"reason\":\"line one\\nforged: entry\"}", "{\"reason\":\"" + "x".repeat(201) + "\"}",
                "{\"reason\":\"\"}", "{\"reason\":42}", "{\"reason\":\"ok\",\"extra\":1}"}) {
            var refused = kms.post("/force_attack", body);
            assertEquals(400, refused.code(), body + " → " + refused.body());
            assertEquals(400, kms.post("/reset", body).code(), body);
        }
        JsonNode status = kms.get("/link_status").json();
        assertEquals("GREEN", status.get("status").asText());
        assertEquals(version, status.get("version").asLong(), "no refused request changed the link");
    }

    private static JsonNode newest(String kind) {
        for (JsonNode e : kms.get("/admin/audit?limit=50").json().get("entries")) {
            if (e.get("kind").asText().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no " + kind + " entry in the audit log");
    }
}
