package qstcs.kms;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The KMS's figures under the servers' rule give its listeners the cap its documents name. */
class KmsConnectionCapTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theLaunchersHeapGivesTwoThousandNinetyFourPerListener() {
        // ParallelGC with -Xmx256m reports 245.5 MiB as its maximum (one survivor space is not counted).
        assertEquals(2_094, KmsServer.BUDGET.capPerListener((long) (245.5 * MIB), 20_000));
    }

    @Test
    void twentyThousandPerListenerNeedsAboutTwoPointFourGibibytes() {
        assertEquals(20_000, KmsServer.BUDGET.capPerListener(2400 * MIB, 1_000_000));
    }
}
