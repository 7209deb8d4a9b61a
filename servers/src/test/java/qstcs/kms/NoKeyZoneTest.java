package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.KeyBits;

/** Round events and the status carry the bin, the key bits of the last round and why they were none. */
class NoKeyZoneTest {

    @Test
    void roundEventsCarryTheBinTheKeyBitsAndTheReason() {
        List<ObjectNode> rounds = new ArrayList<>();
        LinkState link = new LinkState(new LinkState.Limits(256 * 64, 100, Duration.ofMinutes(10)),
                InstantSource.system(), new LinkListener() {
                    @Override
                    public void roundCompleted(RoundReport round, LinkStatus after) {
                        rounds.add(KmsJson.round(round, after));
                    }
                });
        link.applyRound(report(1, 0.012, 512, "NONE", 0.02), KeyBits.fromBytes(new byte[64], 512));
        link.applyRound(report(2, 0.068, 0, "NO_SECRET_KEY", 0.07), KeyBits.empty());
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
