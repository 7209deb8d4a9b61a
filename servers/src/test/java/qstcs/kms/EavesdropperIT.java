package qstcs.kms;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A persistent Eve raises the QBER by about rate/4 (docs/bb84-engine.md): 0.3 gives ≈ 0.085 (YELLOW), 0.6
 * gives ≈ 0.157 (RED). Full-size rounds (65,536 qubits) so the sampled estimate is tight enough
 * (σ ≈ 0.005 at 0.085) for the bands below to be safe.
 */
class EavesdropperIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start() {
        kms = new KmsTestServer(KmsTestServer.tempHome(), "--qubits", "65536", "--round-ms", "100");
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    /** The status after at least {@code rounds} further rounds have completed. */
    private static JsonNode afterRounds(int rounds) throws InterruptedException {
        long start = kms.get("/link_status").json().get("round").asLong();
        return Await.value(rounds + " more rounds", () -> kms.get("/link_status").json(),
                s -> s.get("round").asLong() >= start + rounds);
    }

    @Test
    void interceptRateMovesTheLinkThroughYellowToRed() throws Exception {
        var on = kms.post("/eve", "{\"active\":true,\"intercept_rate\":0.3}");
        assertEquals(200, on.code(), on.body());
        assertTrue(on.json().get("eve_active").asBoolean());
        afterRounds(2); // the first round may have started before Eve was switched on
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode s = afterRounds(1);
            assertEquals("YELLOW", s.get("status").asText(), s.toString());
            assertTrue(s.get("eve_active").asBoolean());
            sum += s.get("last_round_qber").asDouble();
        }
        double mean = sum / 3;
        assertTrue(Math.abs(mean - 0.085) < 0.012, "QBER with Eve at 0.3 should be ≈ 0.085, was " + mean);

        kms.post("/eve", "{\"active\":true,\"intercept_rate\":0.6}");
        JsonNode red = afterRounds(2);
        assertEquals("RED", red.get("status").asText(), red.toString());
        double q = red.get("qber").asDouble();
        assertTrue(q > 0.13 && q < 0.19, "QBER with Eve at 0.6 should be ≈ 0.157, was " + q);
        assertEquals(1, red.get("attacks_detected").asLong());

        var reset = kms.post("/reset", "");
        assertEquals(200, reset.code());
        JsonNode after = afterRounds(1);
        assertEquals("GREEN", after.get("status").asText(), after.toString());
        assertEquals(false, after.get("eve_active").asBoolean(), "reset switches Eve off");
    }
}
