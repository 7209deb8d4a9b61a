package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Both fast Toeplitz methods against the naive O(n·ℓ) definition, bit for bit. */
class ToeplitzHashTest {

    /** The definition: y[i] = XOR over j of T[i][j]·x[j] with T[i][j] = s[i − j + n − 1]. */
    static BitString naive(BitString x, BitString s, int outBits) {
        int n = x.length();
        BitString y = new BitString(outBits);
        for (int i = 0; i < outBits; i++) {
            int acc = 0;
            for (int j = 0; j < n; j++) {
                acc ^= s.bit(i - j + n - 1) & x.bit(j);
            }
            y.set(i, acc == 1);
        }
        return y;
    }

    @Test
    void wordParallelAndNttMatchNaiveOnManyRandomSizes() {
        RandomGenerator rng = TestRandom.seeded(20240601L);
        int[] fixed = {1, 2, 63, 64, 65, 127, 128, 129, 191, 1000, 1024, 1500};
        for (int round = 0; round < 120; round++) {
            int n = round < fixed.length ? fixed[round] : 1 + rng.nextInt(2500);
            int l = round < fixed.length ? Math.max(1, fixed[fixed.length - 1 - round] % (n + 1)) : 1 + rng.nextInt(n);
            BitString x = BitString.random(n, rng);
            BitString s = BitString.random(n + l - 1, rng);
            BitString expected = naive(x, s, l);
            String what = "n=" + n + " l=" + l;
            assertTrue(expected.contentEquals(PrivacyAmplification.toeplitzWordParallel(x, s, l)), "word-parallel " + what);
            assertTrue(expected.contentEquals(ToeplitzNtt.multiply(x, s, l)), "NTT " + what);
            assertTrue(expected.contentEquals(ToeplitzFft.tryMultiply(x, s, l)), "FFT " + what);
        }
    }

    @Test
    void largeSizesAgreeBetweenMethods() {
        RandomGenerator rng = TestRandom.seeded(7);
        for (int n : new int[] {70_001, 200_000}) {
            int l = (int) (n * 0.7) + 3;
            BitString x = BitString.random(n, rng);
            BitString s = BitString.random(n + l - 1, rng);
            BitString wp = PrivacyAmplification.toeplitzWordParallel(x, s, l);
            assertTrue(wp.contentEquals(ToeplitzNtt.multiply(x, s, l)), "NTT n=" + n);
            assertTrue(wp.contentEquals(ToeplitzFft.tryMultiply(x, s, l)), "FFT n=" + n);
            // Spot-check a few output bits against the definition.
            for (int i : new int[] {0, 1, l / 2, l - 1}) {
                int acc = 0;
                for (int j = 0; j < n; j++) {
                    acc ^= s.bit(i - j + n - 1) & x.bit(j);
                }
                assertEquals(acc, wp.bit(i), "bit " + i + " n=" + n);
            }
        }
    }

    @Test
    void nttHandlesInputsBeyondTwoToTheTwentyFour() {
        // n + l - 1 > 2^24 needs a 2^25-point transform (the prime supports 2^26). With a short
        // output the word-parallel method is cheap here, so the two are compared bit for bit.
        RandomGenerator rng = TestRandom.seeded(24);
        int n = (1 << 24) + 17;
        int l = 130;
        BitString x = BitString.random(n, rng);
        BitString s = BitString.random(n + l - 1, rng);
        BitString ntt = ToeplitzNtt.multiply(x, s, l);
        assertTrue(PrivacyAmplification.toeplitzWordParallel(x, s, l).contentEquals(ntt));
        int acc = 0;
        for (int j = 0; j < n; j++) {
            acc ^= s.bit(l - 1 - j + n - 1) & x.bit(j);
        }
        assertEquals(acc, ntt.bit(l - 1), "last output bit by the definition");
    }

    @Test
    void fftIsExactAtAMillionBitsAgainstTheNtt() {
        // The benchmark's size: n = 10^6, l = 0.7·n; the FFT must round every coefficient exactly.
        RandomGenerator rng = TestRandom.seeded(1_000_000);
        int n = 1_000_000;
        int l = 700_000;
        BitString x = BitString.random(n, rng);
        BitString s = BitString.random(n + l - 1, rng);
        assertTrue(ToeplitzNtt.multiply(x, s, l).contentEquals(ToeplitzFft.tryMultiply(x, s, l)));
        // All-ones input maximises every coefficient (up to n): the worst case for rounding.
        BitString ones = new BitString(n);
        for (int j = 0; j < n; j++) {
            ones.set(j, true);
        }
        BitString y = ToeplitzFft.tryMultiply(ones, s, l);
        for (int i = 0; i < l; i += 9_973) {
            assertEquals(s.parity(i, i + n), y.bit(i), "bit " + i);
        }
    }

    @Test
    void shortOutputsUseSeveralSmallTransformsAndStayExact() {
        // n = 10^6, l = n/70: the FFT cuts x into blocks (one small transform each) and sums the
        // spectra; the last block is short and its seed window starts before the seed.
        int n = 1_000_000;
        int l = n / 70;
        int log = ToeplitzFft.transformLog(n, l);
        assertTrue(log < 20, "blocks of 2^" + log + " points, not one 2^20-point transform");
        assertTrue(n % ((1 << log) - l + 1) != 0, "the last block must be partial for this test");
        RandomGenerator rng = TestRandom.seeded(70);
        BitString x = BitString.random(n, rng);
        BitString s = BitString.random(n + l - 1, rng);
        BitString fft = ToeplitzFft.tryMultiply(x, s, l);
        assertTrue(PrivacyAmplification.toeplitzWordParallel(x, s, l).contentEquals(fft));
        for (int i : new int[] {0, 1, l / 2, l - 1}) {
            int acc = 0;
            for (int j = 0; j < n; j++) {
                acc ^= s.bit(i - j + n - 1) & x.bit(j);
            }
            assertEquals(acc, fft.bit(i), "bit " + i + " by the definition");
        }
    }

    @Test
    void roundingTakesParitiesAndRejectsAmbiguousCoefficients() {
        // c[2m] = re[m], c[2m+1] = im[m], scaled by 1/4; outputs start at c[first]. 150 pairs:
        // whole 64-bit words and a tail, integers up to 10^6 with errors up to ±0.24.
        RandomGenerator rng = TestRandom.seeded(25);
        double[] re = new double[150];
        double[] im = new double[150];
        for (int m = 0; m < re.length; m++) {
            re[m] = 4 * (rng.nextInt(1_000_001) + rng.nextDouble(-0.24, 0.24));
            im[m] = 4 * (rng.nextInt(1_000_001) + rng.nextDouble(-0.24, 0.24));
        }
        re[0] = 4 * -0.2;                          // a slightly negative zero rounds to 0
        for (int first = 0; first < 4; first++) {
            for (int l : new int[] {1, 63, 64, 65, 2 * re.length - first - 1}) {
                BitString y = new BitString(l);
                assertTrue(ToeplitzFft.roundToBits(re, im, 0.25, first, y), "first=" + first + " l=" + l);
                for (int i = 0; i < l; i++) {
                    int c = i + first;
                    long v = Math.round(((c & 1) == 0 ? re[c >> 1] : im[c >> 1]) / 4);
                    assertEquals((int) (v & 1), y.bit(i), "first=" + first + " l=" + l + " bit " + i);
                }
            }
        }
        for (double bad : new double[] {4 * 2.3, 4 * 7.5, 4 * 6.74, Double.NaN, Double.POSITIVE_INFINITY, 0x1p60}) {
            for (int at : new int[] {3, 40, 140}) {             // in a whole word and in the tail
                for (int part = 0; part < 2; part++) {
                    double[] r = re.clone();
                    double[] m = im.clone();
                    (part == 0 ? r : m)[at] = bad;
                    assertFalse(ToeplitzFft.roundToBits(r, m, 0.25, 1, new BitString(2 * re.length - 2)),
                            bad + " at " + at + " must fail the check");
                }
            }
        }
    }

    @Test
    void methodChoiceFollowsTheCostModel() {
        assertEquals(PrivacyAmplification.Method.WORD_PARALLEL, PrivacyAmplification.cheapest(29_000, 13_000));
        assertEquals(PrivacyAmplification.Method.WORD_PARALLEL, PrivacyAmplification.cheapest(1 << 24, 130));
        assertEquals(PrivacyAmplification.Method.FFT, PrivacyAmplification.cheapest(1_000_000, 700_000));
        assertEquals(PrivacyAmplification.Method.FFT, PrivacyAmplification.cheapest(1_000_000, 1_000_000 / 70));
        assertEquals(21, ToeplitzFft.transformLog(1_000_000, 700_000), "one transform when the output is long");
        assertEquals(PrivacyAmplification.Method.NTT, PrivacyAmplification.cheapest(8_000_000, 5_000_000));
    }

    @Test
    void allOnesInputXorsTheWholeWindow() {
        // x = 1…1: y[i] is the parity of s[i .. i+n-1], an independent check of the indexing.
        RandomGenerator rng = TestRandom.seeded(3);
        int n = 300;
        int l = 77;
        BitString x = new BitString(n);
        for (int j = 0; j < n; j++) {
            x.set(j, true);
        }
        BitString s = BitString.random(n + l - 1, rng);
        BitString y = PrivacyAmplification.toeplitz(x, s, l);
        for (int i = 0; i < l; i++) {
            assertEquals(s.parity(i, i + n), y.bit(i), "bit " + i);
        }
    }

    @Test
    void rejectsWrongSeedLength() {
        BitString x = new BitString(10);
        assertThrows(IllegalArgumentException.class, () -> PrivacyAmplification.toeplitz(x, new BitString(10), 5));
    }
}
