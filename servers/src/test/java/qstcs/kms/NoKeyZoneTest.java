package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between the finite-key line (≈ 6 % QBER at the default round) and the 11 % breach line, rounds
 * give no key while the link is only YELLOW: status and round events say so with
 * {@code key_bits: 0} and {@code reason: finite_key}, next to {@code pool_bits}.
 */
class NoKeyZoneTest {

    @Test
    void aRealKmsAtEightPercentNoiseSaysWhyItMakesNoKey(@TempDir Path home) {
        try (KmsTestServer kms = new KmsTestServer(home, "--noise", "0.08", "--round-ms", "600000")) {
            kms.kms.quantumLink().refill(); // returns after at least one completed round
            JsonNode s = kms.get("/link_status").json();
            assertEquals("YELLOW", s.get("status").asText(), s.toString());
            assertEquals(0, s.get("key_bits").asLong(), s.toString());
            assertEquals("finite_key", s.get("reason").asText(), s.toString());
            assertEquals(0, s.get("pool_bits").asLong(), s.toString());
            assertTrue(s.get("round").asLong() >= 1, s.toString());
        }
    }

    @Test
    void aRealKmsAtOnePercentNoiseReportsTheBitsOfItsLastRound(@TempDir Path home) {
        try (KmsTestServer kms = new KmsTestServer(home, "--round-ms", "600000")) {
            kms.kms.quantumLink().refill();
            JsonNode s = kms.get("/link_status").json();
            assertEquals("GREEN", s.get("status").asText(), s.toString());
            assertTrue(s.get("key_bits").asLong() > 0, s.toString());
            assertEquals("none", s.get("reason").asText(), s.toString());
            assertTrue(s.get("pool_bits").asLong() > 0, s.toString());
        }
    }

    @Test
    void roundEventsCarryTheBinTheKeyBitsAndTheReason() {
        List<ObjectNode> rounds = new ArrayList<>();
        LinkState link = new LinkState(new LinkState.Limits(256 * 64, 100, Duration.ofMinutes(10)),
                InstantSource.system(), new LinkListener() {
                    @Override
                    public void roundCompleted(RoundReport round, LinkSnapshot after) {
                        rounds.add(KmsJson.round(round, after));
                    }
                });
        byte[] bits = new byte[64];
        link.applyRound(report(1, 0.012, 512, "NONE", 0.02), bits, 512);
        link.applyRound(report(2, 0.068, 0, "NO_SECRET_KEY", 0.07), null, 0);
        assertEquals(2, rounds.size());
        assertEquals(512, rounds.get(0).get("key_bits").asLong());
        assertEquals("none", rounds.get(0).get("reason").asText());
        assertEquals(0.02, rounds.get(0).get("tolerated_qber").asDouble());
        assertEquals(512, rounds.get(0).get("pool_bits").asLong());
        assertEquals(0, rounds.get(1).get("key_bits").asLong());
        assertEquals("finite_key", rounds.get(1).get("reason").asText());
        assertEquals("NO_SECRET_KEY", rounds.get(1).get("abort_reason").asText(), "the old field stays");
        assertEquals(0.07, rounds.get(1).get("tolerated_qber").asDouble());
        assertEquals(512, rounds.get(1).get("pool_bits").asLong(), "nothing added, nothing drawn");
        ObjectNode status = KmsJson.status(link.snapshot());
        assertEquals(0, status.get("key_bits").asLong());
        assertEquals("finite_key", status.get("reason").asText());
        assertEquals("YELLOW", status.get("status").asText());
    }

    private static RoundReport report(long round, double qber, int finalBits, String abortReason, double bin) {
        return new RoundReport(round, 65_536, 40_960, 4_096, qber, qber, 1_000, 1.05, finalBits, 3.0, abortReason,
                false, false, 0, false, bin);
    }
}
