package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between the finite-key line (≈ 6.5 % QBER at the default round) and the 11 % breach line,
 * rounds give no key while the link is only YELLOW: a real KMS says so in {@code /link_status}
 * with {@code key_bits: 0} and {@code reason: finite_key}, next to {@code pool_bits}.
 */
class NoKeyZoneIT {

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

}
