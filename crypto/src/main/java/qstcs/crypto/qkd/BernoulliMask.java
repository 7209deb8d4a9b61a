package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Draws 64 independent biased coins at once: each bit of the returned word is 1 with
 * probability {@code p}. Sampling bit by bit would cost a random number per qubit; here each
 * of the 64 lanes compares a bit-sliced uniform 32-bit number against {@code p} (most
 * significant bit first) and the comparison stops as soon as every lane is decided, so a mask
 * costs about {@code log2(64) + 2} random words whatever {@code p} is, and fewer for short
 * binary fractions (p = 1/4 needs two).
 *
 * <p>The probability is {@code p} rounded to a multiple of 2<sup>-32</sup>; that is exact
 * enough for any physics this simulator reproduces.
 */
final class BernoulliMask {

    private final long threshold;  // p · 2^32, in [0, 2^32]
    private final int lowestSetBit;

    BernoulliMask(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
        }
        this.threshold = Math.round(p * 0x1p32);
        this.lowestSetBit = threshold == 0 ? 32 : Long.numberOfTrailingZeros(threshold);
    }

    boolean never() {
        return threshold == 0;
    }

    /** 64 lanes, each set with probability p. */
    long next(RandomGenerator rng) {
        if (threshold == 0) {
            return 0L;
        }
        if (threshold >= 1L << 32) {
            return -1L;
        }
        long less = 0L;   // lanes already known to be below the threshold
        long equal = -1L; // lanes whose uniform number equals the threshold so far
        for (int b = 31; b >= lowestSetBit; b--) {
            long r = rng.nextLong();
            if (((threshold >>> b) & 1L) != 0) {
                less |= equal & ~r;
                equal &= r;
            } else {
                equal &= ~r;
            }
            if (equal == 0L) {
                break;
            }
        }
        // Lanes still equal after the lowest set bit of the threshold can only end up >= p.
        return less;
    }
}
