package qstcs.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * {@code ./qstcs bench relay-floor} end to end, briefly: a {@link NullRelay} in its own JVM (an IT
 * for that reason) under {@link FloorLoad}'s paced load at a low rate. Every frame must reach its
 * receiver once and in order and every ack must come back, or the floor would be measuring less
 * work than it claims.
 */
class RelayFloorIT {

    private static final int PAIRS = 4;
    private static final int RATE = 800;

    @Test
    void everyFrameArrivesOnceInOrderAndEveryAckComesBack() throws Exception {
        FloorLoad.Run run = runFloor(0);
        assertAllThrough(run);
    }

    @Test
    void withAPauseNothingIsLostEither() throws Exception {
        FloorLoad.Run run = runFloor(1000);
        assertAllThrough(run);
    }

    private static FloorLoad.Run runFloor(int pauseMicros) throws Exception {
        try (NullRelayProcess relay = new NullRelayProcess(PAIRS, RelayFloorBench.WSS_FRAME, 2, pauseMicros)) {
            try (FloorLoad load = new FloorLoad(relay.port(), PAIRS, RelayFloorBench.WSS_FRAME)) {
                // Twice, as the bench does (warm-up, then the measured run): sequence numbers restart.
                assertAllThrough(load.paced(RATE, Duration.ofSeconds(1), 2));
                return load.paced(RATE, Duration.ofSeconds(1), 2);
            } finally {
                relay.awaitExit();
                assertTrue(relay.output().contains("partial writes"), "the null relay ended on its own:\n"
                        + relay.output());
            }
        }
    }

    private static void assertAllThrough(FloorLoad.Run run) {
        assertEquals(RATE, run.sent(), "frames sent in one second");
        assertEquals(run.sent(), run.received(), "frames delivered");
        assertEquals(0, run.outOfOrder(), "frames out of order or twice");
        assertEquals(run.sent(), run.acks(), "acks back");
        assertEquals(0, run.acksOutOfOrder(), "acks out of order or twice");
        assertEquals(run.sent(), run.latencies().count(), "a latency per frame");
    }
}
