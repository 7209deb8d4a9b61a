package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Sifting and per-basis parameter estimation on a 16-qubit exchange worked out by hand.
 *
 * <pre>
 *   qubit        15..8     7 6 5 4 3 2 1 0
 *   Alice basis  + ... +   × × × × + + + +      aliceBases = 0x00F0
 *   Bob basis    + ... +   × × + + × × + +      bobBases   = 0x00CC
 *   sifted       ✓ ... ✓   ✓ ✓ . . . . ✓ ✓      siftMask   = 0xFFC3 (12 bits)
 *   sifted order: qubits 0 1 6 7 8 9 10 11 12 13 14 15; test basis (×) at sifted 2, 3 (qubits 6, 7)
 *   Bob differs from Alice at qubits 3 (not sifted), 6 (test), 9 and 12 (key)
 * </pre>
 * So k = 2 test bits with 1 error (estimate 1/2, from the × basis only), n = 10 key bits (the +
 * basis) with 2 errors at key indices 3 (qubit 9) and 6 (qubit 12), which the estimate ignores.
 */
class ParameterEstimationTest {

    private static final long ALICE_BITS = 0b1011_0110_1010_0101L;
    private static final long BOB_BITS = ALICE_BITS ^ (1L << 3 | 1L << 6 | 1L << 9 | 1L << 12);

    private static SiftedKeys sifted() {
        QubitExchange x = new QubitExchange(16, new long[] {ALICE_BITS}, new long[] {0x00F0L}, new long[] {0L},
                new long[] {0L}, new long[] {0x00CCL}, new long[] {BOB_BITS});
        return Sifting.sift(x);
    }

    @Test
    void siftingKeepsMatchingBasesAndRemembersTheirBasis() {
        SiftedKeys s = sifted();
        assertArrayEquals(new long[] {0xFFC3L}, s.siftMask());
        assertEquals(12, s.length());
        assertArrayEquals(new long[] {0b1100L}, s.testBasis());
    }

    @Test
    void testBitsComeFromTheOtherBasisAndKeyErrorsDoNotCount() {
        ParameterEstimate e = ParameterEstimation.estimate(sifted());
        assertEquals(2, e.sampleSize());
        assertEquals(1, e.sampleErrors());
        assertEquals(0.5, e.qber());
        assertArrayEquals(new long[] {0b1100L}, e.sampleMask());
        // Alice's key: her bits at qubits 0, 1, 8, …, 15 in order.
        int[] keyQubits = {0, 1, 8, 9, 10, 11, 12, 13, 14, 15};
        assertEquals(keyQubits.length, e.alice().length());
        for (int i = 0; i < keyQubits.length; i++) {
            assertEquals((int) (ALICE_BITS >>> keyQubits[i]) & 1, e.alice().bit(i), "Alice key bit " + i);
            int bobDiffers = i == 3 || i == 6 ? 1 : 0;
            assertEquals(((int) (ALICE_BITS >>> keyQubits[i]) & 1) ^ bobDiffers, e.bob().bit(i), "Bob key bit " + i);
        }
        assertEquals(2, e.alice().hammingDistance(e.bob()));
    }
}
