package qstcs.relay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The relay's figures under the servers' one rule, with the launcher's 384 MiB heap. */
class RelayConnectionBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theEventLoopIsBoundByTheDescriptorsBeforeTheHeap() {
        // 192 MiB / 8 KiB = 24,576; the descriptors leave 20,000 - 512.
        assertEquals(19_488, RelayServer.budget(RelaySettings.Io.LOOP).capPerListener(384 * MIB, 20_000));
        assertEquals(20_000, RelayServer.budget(RelaySettings.Io.LOOP).capPerListener(384 * MIB, 1_000_000));
        assertEquals(8_192, RelayServer.budget(RelaySettings.Io.LOOP).capPerListener(128 * MIB, 20_000));
    }

    @Test
    void helidonsListenerHoldsWhatItsFortyEightKibibytesAllow() {
        // It ran out of heap at 11,245 idle sessions in 384 MiB (31.8 KiB each).
        assertEquals(4_096, RelayServer.budget(RelaySettings.Io.HELIDON).capPerListener(384 * MIB, 20_000));
    }
}
