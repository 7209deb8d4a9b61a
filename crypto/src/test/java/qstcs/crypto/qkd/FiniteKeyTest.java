package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Pins the finite-key formula of Tomamichel et al. 2012 against values computed by hand
 * (independently, in Python with math.log2/math.log):
 * μ = sqrt((n+k)/(n·k) · (k+1)/k · ln(4/ε_sec)) (Eq. 2 of the paper: ln 4, not ln 2),
 * ℓ = ⌊n(1 − h(Q+μ)) − leak − log2(2/(ε_sec²·ε_cor))⌋.
 */
class FiniteKeyTest {

    private static final double SEC = 1e-10;
    private static final double COR = 1e-15;

    @Test
    void binaryEntropyKnownValues() {
        assertEquals(0.0, FiniteKey.binaryEntropy(0.0));
        assertEquals(1.0, FiniteKey.binaryEntropy(0.5), 1e-15);
        assertEquals(0.4689955935892812, FiniteKey.binaryEntropy(0.1), 1e-14);
        assertEquals(0.499915958164528, FiniteKey.binaryEntropy(0.11), 1e-14);
        assertEquals(1.0, FiniteKey.binaryEntropy(0.7), "no secrecy beyond 1/2");
    }

    @Test
    void muMatchesHandComputedValues() {
        assertEquals(0.1639518623864534, FiniteKey.mu(10_000, 1_000, SEC), 1e-14);
        assertEquals(0.09099367892687676, FiniteKey.mu(29_491, 3_277, SEC), 1e-14);
        assertEquals(0.016387076723370947, FiniteKey.mu(1_000_000, 100_000, SEC), 1e-14);
    }

    @Test
    void lengthMatchesHandComputedValues() {
        assertEquals(1396.2689825785815, FiniteKey.rawLength(10_000, 1_000, 0.02, 1_600, SEC, COR), 1e-6);
        assertEquals(1396, FiniteKey.secretLength(10_000, 1_000, 0.02, 1_600, SEC, COR));
        assertEquals(13449, FiniteKey.secretLength(29_491, 3_277, 0.01, 2_000, SEC, COR));
        assertEquals(317588, FiniteKey.secretLength(1_000_000, 100_000, 0.05, 330_000, SEC, COR));
        assertEquals(70473, FiniteKey.secretLength(100_000, 10_000, 0.0, 0, SEC, COR));
    }

    @Test
    void securityTermIsLog2Of2OverEpsSecSquaredTimesEpsCor() {
        // With Q + μ ≥ 1/2 nothing is secret: the raw bound is then exactly −leak − 117.2675 bits.
        double raw = FiniteKey.rawLength(10, 1, 0.0, 5, SEC, COR);
        assertEquals(-5 - 117.26748332105768, raw, 1e-9);
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
