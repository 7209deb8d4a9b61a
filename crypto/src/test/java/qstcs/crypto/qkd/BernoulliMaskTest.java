package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Both mask methods give independent bits with the requested rate. */
class BernoulliMaskTest {

    @Test
    void rateAndPairwiseIndependenceMatchP() {
        // 0.001–0.02 use the sparse (alias-table) method, the rest the bit-sliced one.
        for (double p : new double[] {0.001, 0.01, 0.02, 0.0312, 0.05, 0.11, 0.25, 0.5, 0.9}) {
            BernoulliMask mask = new BernoulliMask(p, new SplitMix64(Double.doubleToLongBits(p)));
            int words = 1 << 16;
            long ones = 0;
            long adjacentPairs = 0;   // bit i and bit i+1 both set (i < 63)
            long wordBoundary = 0;    // bit 63 of one word and bit 0 of the next both set
            long previous = 0;
            for (int w = 0; w < words; w++) {
                long m = mask.next();
                ones += Long.bitCount(m);
                adjacentPairs += Long.bitCount(m & (m >>> 1));
                wordBoundary += (previous >>> 63) & m & 1L;
                previous = m;
            }
            double n = 64.0 * words;
            double rate = ones / n;
            assertEquals(p, rate, 4 * Math.sqrt(p * (1 - p) / n), "rate at p=" + p);
            double pairs = 63.0 * words;
            double pairRate = adjacentPairs / pairs;
            assertEquals(p * p, pairRate, 4 * Math.sqrt(p * p * (1 - p * p) / pairs) + 1e-9, "pairs at p=" + p);
            assertTrue(Math.abs(wordBoundary / (double) words - p * p) <= 5 * Math.sqrt(p * p / words) + 1e-9,
                    "no correlation across words at p=" + p);
        }
    }

    @Test
    void extremesAreExact() {
        SplitMix64 rnd = new SplitMix64(1);
        assertEquals(0L, new BernoulliMask(0.0, rnd).next());
        assertEquals(-1L, new BernoulliMask(1.0, rnd).next());
    }
}
