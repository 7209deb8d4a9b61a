package qstcs.server.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener cap follows from the heap (half of it for the connections of all listeners) and
 * the descriptor limit, whatever a server says one of its connections costs.
 */
class ConnectionBudgetTest {
    private static final long MIB = 1024 * 1024;
    private static final long KIB = 1024;
    private static final ConnectionBudget TWO = ConnectionBudget.of(
            new ConnectionBudget.Listener("TLS", 40 * KIB), new ConnectionBudget.Listener("plain", 20 * KIB));
    private static final ConnectionBudget ONE = ConnectionBudget.of(new ConnectionBudget.Listener("wss", 8 * KIB));

    @Test
    void everyListenerFullTakesAtMostHalfTheHeap() {
        for (long heap : new long[] {64 * MIB, 245 * MIB, 256 * MIB, 384 * MIB, 512 * MIB, 1024 * MIB}) {
            int cap = TWO.capPerListener(heap, 1_000_000);
            long pair = 60 * KIB;
            assertTrue(cap * pair <= heap / 2, heap / MIB + " MiB: " + cap);
            assertTrue((cap + 1) * pair > heap / 2 - pair, heap / MIB + " MiB: cap " + cap + " leaves more than a pair unused");
        }
        for (long heap : new long[] {64 * MIB, 128 * MIB, 256 * MIB}) {
            int cap = ONE.capPerListener(heap, 1_000_000);
            assertTrue(cap * 8 * KIB <= heap / 2, heap / MIB + " MiB: " + cap);
            assertTrue((cap + 1) * 8 * KIB > heap / 2 - 8 * KIB, heap / MIB + " MiB: " + cap);
        }
    }

    @Test
    void theFiguresOfOneListenerAreNotSharedWithAnother() {
        assertEquals(2_094, TWO.capPerListener((long) (245.5 * MIB), 20_000));
        assertEquals(16_384, ONE.capPerListener(256 * MIB, 1_000_000));
    }

    @Test
    void aLargeHeapStopsAtTwentyThousandAndTheDescriptorsBoundEveryListener() {
        assertEquals(ConnectionBudget.MOST, TWO.capPerListener(2500 * MIB, 1_000_000));
        assertEquals((20_000 - ConnectionBudget.DESCRIPTORS_KEPT) / 2, TWO.capPerListener(2500 * MIB, 20_000));
        assertEquals((1024 - ConnectionBudget.DESCRIPTORS_KEPT) / 2, TWO.capPerListener(256 * MIB, 1024));
        assertEquals(20_000 - ConnectionBudget.DESCRIPTORS_KEPT, ONE.capPerListener(384 * MIB, 20_000));
    }

    @Test
    void aTinyHeapOrDescriptorLimitStillLeavesAFewDozen() {
        assertEquals(ConnectionBudget.FEWEST, TWO.capPerListener(MIB, 1_000_000));
        assertEquals(ConnectionBudget.FEWEST, TWO.capPerListener(256 * MIB, 256));
        assertEquals(ConnectionBudget.FEWEST, ONE.capPerListener(MIB / 4, 1_000_000));
    }

    @Test
    void anUnknownDescriptorLimitLeavesTheHeapToDecide() {
        assertEquals(16_384, ONE.capPerListener(256 * MIB, -1));
    }

    @Test
    void aConnectionCostsSomething() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectionBudget.Listener("wss", 0));
        assertThrows(IllegalArgumentException.class, ConnectionBudget::of);
    }
}
