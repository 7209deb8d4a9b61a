package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Sifted QBER over ≥ 10^6 qubits against e + p·(1−2e)/4 in each basis separately, within 3
 * standard errors, and the biased basis choice against its probabilities.
 */
class PhysicsTest {

    private static final int QUBITS = 1 << 21;

    @Test
    void qberMatchesTheoryInEachBasis() {
        double[][] cases = {{0, 0.01}, {1, 0}, {0.5, 0}, {0.25, 0.02}, {1, 0.02}};
        BasisChoice bases = BasisChoice.forTestShare(0.10);
        long seed = 2025;
        for (double[] c : cases) {
            double p = c[0];
            double e = c[1];
            SiftedKeys s = Sifting.sift(Transmission.run(QUBITS, bases, e, p, TestRandom.round(seed++)));
            ParameterEstimate split = ParameterEstimation.estimate(s);
            double expected = e + p * (1 - 2 * e) / 4;
            int n = split.alice().length();
            int k = split.sampleSize();
            double keyQber = (double) split.alice().hammingDistance(split.bob()) / n;
            double testQber = split.qber();
            assertTrue(Math.abs(keyQber - expected) <= 3 * Math.sqrt(expected * (1 - expected) / n) + 1e-12,
                    "key basis, p=" + p + " e=" + e + ": QBER " + keyQber + " vs " + expected);
            assertTrue(Math.abs(testQber - expected) <= 3 * Math.sqrt(expected * (1 - expected) / k) + 1e-12,
                    "test basis, p=" + p + " e=" + e + ": QBER " + testQber + " vs " + expected);
            // Both pick × with probability 1/4: 9/16 of qubits are key bits, 1/16 test bits.
            assertEquals(QUBITS * 9.0 / 16, n, 5 * Math.sqrt(QUBITS * 9.0 / 16 * 7 / 16), "key bits");
            assertEquals(QUBITS / 16.0, k, 5 * Math.sqrt(QUBITS / 16.0 * 15 / 16), "test bits");
        }
    }

    @Test
    void basisChoiceForTheDefaultShareIsOneQuarterFromTwoWords() {
        BasisChoice c = BasisChoice.forTestShare(0.10);
        assertEquals(1, c.threshold());
        assertEquals(2, c.words());
        assertEquals(0.25, c.testProbability());
        // Lane i is × exactly when bit i is 0 in both words (the 2-bit number 00 is below 1).
        long r0 = 0b1100L;
        long r1 = 0b1010L;
        assertEquals(~r0 & ~r1, c.mask(keystream(r0, r1), 0));
        // 3/4 = 0.11b: a lane is below unless both bits are 1.
        BasisChoice threeQuarters = new BasisChoice(3, 2);
        assertEquals(~(r0 & r1), threeQuarters.mask(keystream(r0, r1), 0));
        // s = 50 % asks for p = 1/2: one word, the lane is × where the word's bit is 0.
        assertEquals(new BasisChoice(1, 1), BasisChoice.forTestShare(0.5));
    }

    /** Keystream bytes holding these words, little-endian as the stream reads them. */
    private static byte[] keystream(long... words) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * words.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        return b.array();
    }
}
