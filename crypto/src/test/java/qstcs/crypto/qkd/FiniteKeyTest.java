package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Pins the finite-key formula of Tomamichel et al. 2012 against values computed by hand
 * (independently, in Python with math.log2/math.log):
 * <pre>
 *   ε   = ε_sec / 11                     (one share per tolerated-QBER bin)
 *   μ   = sqrt((n+k)/(n·k) · (k+1)/k · ln(4/ε))      (Eq. 2 of the paper: ln 4, not ln 2)
 *   raw = n(1 − h(Q_tol + μ)) − leak − log2(2/(ε²·ε_cor))
 *   ℓ   = ⌊raw⌋ − 256                    (two 128-bit authentication tag pads), 0 if ≤ 0
 *   Q_tol = the smallest of 1 %, …, 11 % with errors·100 ≤ Q_tol%·k; none if errors·100 ≥ 11·k
 * </pre>
 * with ε_sec = 1e-10, ε_cor = 1e-15.
 */
class FiniteKeyTest {

    private static final double SEC = 1e-10;
    private static final double COR = 1e-15;

    @Test
    void binaryEntropy() {
        assertEquals(0.0, FiniteKey.binaryEntropy(0.0));
        assertEquals(1.0, FiniteKey.binaryEntropy(0.5), 1e-15);
        assertEquals(0.4689955935892812, FiniteKey.binaryEntropy(0.1), 1e-14);
        assertEquals(0.499915958164528, FiniteKey.binaryEntropy(0.11), 1e-14);
        assertEquals(1.0, FiniteKey.binaryEntropy(0.7), "no secrecy beyond 1/2");
    }

    @Test
    void muMatchesHandComputedValues() {
        assertEquals(0.1639518623864534, FiniteKey.mu(10_000, 1_000, SEC), 1e-14);
        // At the share each bin runs at, ε_sec/11:
        assertEquals(1e-10 / 11, FiniteKey.binEpsilon(SEC), 1e-25);
        assertEquals(0.17181541160461955, FiniteKey.mu(10_000, 1_000, FiniteKey.binEpsilon(SEC)), 1e-14);
        assertEquals(0.08529047141308761, FiniteKey.mu(36_864, 4_096, FiniteKey.binEpsilon(SEC)), 1e-14);
        assertEquals(0.0171730426921646, FiniteKey.mu(1_000_000, 100_000, FiniteKey.binEpsilon(SEC)), 1e-14);
    }

    @Test
    void toleratedQberIsTheSmallestCoveringBin() {
        // errors, k → bin (errors/k): exact comparisons, no rounding at the edges.
        assertBin(0.01, 0, 4_096);     // 0
        assertBin(0.01, 1, 4_096);     // 0.000244
        assertBin(0.01, 40, 4_096);    // 0.009766
        assertBin(0.02, 41, 4_096);    // 0.010010
        assertBin(0.02, 81, 4_096);    // 0.019775
        assertBin(0.03, 82, 4_096);    // 0.020020
        assertBin(0.10, 409, 4_096);   // 0.099854
        assertBin(0.11, 410, 4_096);   // 0.100098: the last bin
        assertBin(0.11, 450, 4_096);   // 0.109863
        assertBin(0.03, 3, 100);       // exactly 3 %: covered by the 3 % bin
        assertBin(0.10, 10, 100);      // exactly 10 %
        assertEquals(OptionalDouble.empty(), FiniteKey.toleratedQber(451, 4_096), "0.110107: abort");
        assertEquals(OptionalDouble.empty(), FiniteKey.toleratedQber(11, 100), "exactly 11 %: abort");
        assertEquals(OptionalDouble.empty(), FiniteKey.toleratedQber(0, 0), "no test bits");
    }

    private static void assertBin(double expected, long errors, long k) {
        assertEquals(OptionalDouble.of(expected), FiniteKey.toleratedQber(errors, k), errors + "/" + k);
    }

    @Test
    void lengthMatchesHandComputedValues() {
        // n, k, Q_tol, leak → raw, ℓ = ⌊raw⌋ − 256
        assertEquals(1223.2761505674766, FiniteKey.rawLength(10_000, 1_000, 0.02, 1_600, SEC, COR), 1e-6);
        assertEquals(967, FiniteKey.secretLength(10_000, 1_000, 0.02, 1_600, SEC, COR));
        assertEquals(18007.74428887218, FiniteKey.rawLength(36_864, 4_096, 0.01, 2_000, SEC, COR), 1e-6);
        assertEquals(17751, FiniteKey.secretLength(36_864, 4_096, 0.01, 2_000, SEC, COR));
        assertEquals(16584, FiniteKey.secretLength(36_864, 4_096, 0.02, 2_000, SEC, COR));
        assertEquals(314335, FiniteKey.secretLength(1_000_000, 100_000, 0.05, 330_000, SEC, COR));
        assertEquals(69177, FiniteKey.secretLength(100_000, 10_000, 0.0, 0, SEC, COR));
        // Q_tol 7 % at the default round's size: 276 bits before authentication, 20 after.
        assertEquals(276.38515592537226, FiniteKey.rawLength(36_864, 4_096, 0.07, 13_500, SEC, COR), 1e-6);
        assertEquals(20, FiniteKey.secretLength(36_864, 4_096, 0.07, 13_500, SEC, COR));
    }

    @Test
    void securityTermIsLog2Of2OverEpsSquaredTimesEpsCor() {
        // With Q + μ ≥ 1/2 nothing is secret: the raw bound is then exactly −leak − 124.1863 bits
        // (log2(2/((1e-10/11)²·1e-15))).
        double raw = FiniteKey.rawLength(10, 1, 0.0, 5, SEC, COR);
        assertEquals(-5 - 124.18634655833227, raw, 1e-9);
    }

    @Test
    void authenticationCostIsSubtractedFromEveryKey() {
        assertEquals(256, FiniteKey.AUTHENTICATION_BITS);
        long n = 36_864;
        double raw = FiniteKey.rawLength(n, 4_096, 0.03, 5_000, SEC, COR);
        assertEquals((int) Math.floor(raw) - 256, FiniteKey.secretLength(n, 4_096, 0.03, 5_000, SEC, COR));
        // A bound of 1 … 256 bits pays for the round's authentication and leaves no key.
        long leak = (long) Math.floor(FiniteKey.rawLength(n, 4_096, 0.03, 0, SEC, COR)) - 200;
        assertTrue(FiniteKey.rawLength(n, 4_096, 0.03, leak, SEC, COR) > 0);
        assertEquals(0, FiniteKey.secretLength(n, 4_096, 0.03, leak, SEC, COR));
    }

    @Test
    void noKeyAtOrAboveElevenPercent() {
        for (double q : new double[] {0.11, 0.12, 0.25, 0.5}) {
            for (long n : new long[] {10_000, 1_000_000, 100_000_000}) {
                long leak = (long) Math.ceil(n * FiniteKey.binaryEntropy(q)); // even a perfect code (f = 1)
                assertEquals(0, FiniteKey.secretLength(n, n / 9, q, leak, SEC, COR), "Q=" + q + " n=" + n);
                assertTrue(FiniteKey.rawLength(n, n / 9, q, leak, SEC, COR) <= 0,
                        "the bound itself leaves nothing at Q=" + q + " n=" + n);
            }
        }
    }

    @Test
    void lengthShrinksWithLeakAndNeverGoesNegative() {
        int a = FiniteKey.secretLength(100_000, 10_000, 0.02, 10_000, SEC, COR);
        int b = FiniteKey.secretLength(100_000, 10_000, 0.02, 20_000, SEC, COR);
        assertEquals(10_000, a - b, 1);
        assertEquals(0, FiniteKey.secretLength(1_000, 100, 0.05, 900, SEC, COR));
        assertThrows(IllegalArgumentException.class, () -> FiniteKey.mu(0, 10, SEC));
    }
}
