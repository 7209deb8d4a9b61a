package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Step 6: verification. Alice picks a random Toeplitz hash (2-universal) with
 * {@code ⌈log2(1/ε_cor)⌉} output bits and sends its seed and her tag; Bob compares with the
 * tag of his key. Keys that differ collide with probability at most 2<sup>−t</sup> ≤ ε_cor.
 * A mismatch discards the round (a reconciliation failure, not an attack).
 */
final class Verification {

    private Verification() {
    }

    static int tagBits(double epsilonCor) {
        return (int) Math.ceil(-Math.log(epsilonCor) / Math.log(2.0));
    }

    static boolean keysMatch(BitString alice, BitString bob, double epsilonCor, RandomGenerator rng) {
        if (alice.length() != bob.length()) {
            return false;
        }
        int t = tagBits(epsilonCor);
        BitString seed = BitString.random(PrivacyAmplification.seedLength(alice.length(), t), rng);
        if (alice.length() == 0) {
            return true;
        }
        BitString tagA = PrivacyAmplification.toeplitzWordParallel(alice, seed, t);
        BitString tagB = PrivacyAmplification.toeplitzWordParallel(bob, seed, t);
        return tagA.contentEquals(tagB);
    }
}
