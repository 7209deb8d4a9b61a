package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CascadeTest {

    /** Bob's key = Alice's with each bit flipped with probability q. */
    static BitString noisyCopy(BitString alice, double q, RandomGenerator rng) {
        BitString bob = alice.copy();
        BernoulliMask mask = new BernoulliMask(q, SplitMix64.from(rng));
        long[] w = bob.words();
        for (int i = 0; i < w.length; i++) {
            w[i] ^= mask.next();
        }
        bob.clearTail();
        return bob;
    }

    @Test
    void everyVariantReconcilesTypicalFrames() {
        RandomGenerator rng = QkdRandom.seeded(1);
        for (CascadeVariant v : CascadeVariant.values()) {
            for (double q : new double[] {0.01, 0.05, 0.10}) {
                BitString alice = BitString.random(10_000, rng);
                BitString bob = noisyCopy(alice, q, rng);
                Reconciliation r = Cascade.reconcile(alice, bob, q, v, rng, false);
                assertTrue(alice.contentEquals(r.bob()), v + " at Q=" + q);
                assertEquals(alice.hammingDistance(bob), r.corrected(), "flips = errors for " + v);
            }
        }
    }

    @Test
    void errorFreeKeyCostsOneParityPerBlock() {
        RandomGenerator rng = QkdRandom.seeded(2);
        BitString alice = BitString.random(10_000, rng);
        Reconciliation r = Cascade.reconcile(alice, alice, 0.02, CascadeVariant.ORIGINAL, rng, false);
        // k1 = ceil(0.73/0.02) = 37, then 74, 148, 296: ceil(10000/k) blocks per pass.
        long expected = ceil(10_000, 37) + ceil(10_000, 74) + ceil(10_000, 148) + ceil(10_000, 296);
        assertEquals(expected, r.leakedBits());
        assertEquals(0, r.corrected());
    }

    @Test
    void singleErrorCostsItsBinarySearch() {
        RandomGenerator rng = QkdRandom.seeded(3);
        BitString alice = BitString.random(4_096, rng);
        BitString bob = alice.copy();
        bob.flip(1_000);
        // OPTION7 at Q = 1/64: k1 = 64, k2 = 256, then 2048 for 12 passes. The error is found in
        // pass 1 (6 parities for a 64-bit block); later passes see only even blocks.
        Reconciliation r = Cascade.reconcile(alice, bob, 1.0 / 64, CascadeVariant.OPTION7, rng, true);
        long blocks = 4_096 / 64 + 4_096 / 256 + 12L * 2;
        assertEquals(blocks + 6, r.leakedBits());
        assertEquals(1, r.corrected());
        assertEquals(1_000, r.corrections()[0]);
        assertTrue(alice.contentEquals(r.bob()));
    }

    private static long ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
