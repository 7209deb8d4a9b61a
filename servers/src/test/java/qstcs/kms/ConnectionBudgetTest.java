package qstcs.kms;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listener cap follows from the heap (half of it for connections) and the descriptor limit. */
class ConnectionBudgetTest {
    private static final long MIB = 1024 * 1024;
    private static final long PAIR = ConnectionBudget.TLS_CONNECTION_BYTES + ConnectionBudget.PLAIN_CONNECTION_BYTES;

    @Test
    void bothListenersFullTakeAtMostHalfTheHeap() {
        for (long heap : new long[] {64 * MIB, 245 * MIB, 256 * MIB, 512 * MIB, 1024 * MIB}) {
            int cap = ConnectionBudget.capPerListener(heap, 1_000_000);
            assertTrue(cap * PAIR <= heap / 2, heap / MIB + " MiB: " + cap);
            assertTrue((cap + 1) * PAIR > heap / 2 - PAIR, heap / MIB + " MiB: cap " + cap + " leaves more than a pair unused");
        }
    }

    @Test
    void theLaunchersHeapGivesTwoThousandNinetyFour() {
        // ParallelGC with -Xmx256m reports 245.5 MiB as its maximum (one survivor space is not counted).
        assertEquals(2_094, ConnectionBudget.capPerListener((long) (245.5 * MIB), 20_000));
    }

    @Test
    void aLargeHeapStopsAtTwentyThousandAndTheDescriptorsBound() {
        assertEquals(ConnectionBudget.MOST, ConnectionBudget.capPerListener(2500 * MIB, 1_000_000));
        assertEquals((20_000 - ConnectionBudget.DESCRIPTORS_KEPT) / 2, ConnectionBudget.capPerListener(2500 * MIB, 20_000));
        assertEquals((1024 - ConnectionBudget.DESCRIPTORS_KEPT) / 2, ConnectionBudget.capPerListener(256 * MIB, 1024));
    }

    @Test
    void aTinyHeapOrDescriptorLimitStillLeavesAFewDozen() {
        assertEquals(ConnectionBudget.FEWEST, ConnectionBudget.capPerListener(MIB, 1_000_000));
        assertEquals(ConnectionBudget.FEWEST, ConnectionBudget.capPerListener(256 * MIB, 256));
    }
}
