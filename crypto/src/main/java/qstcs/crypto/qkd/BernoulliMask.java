package qstcs.crypto.qkd;

/**
 * A stream of 64-bit words whose bits are independent biased coins: each bit is 1 with
 * probability {@code p}. Two exact methods, both far cheaper than a random draw per bit:
 *
 * <ul>
 *   <li>dense ({@code p ≥ 1/32}): each of the 64 lanes compares a bit-sliced uniform 32-bit
 *       number against {@code p}, most significant bit first, stopping once every lane is
 *       decided; a word costs about {@code log2(64) + 2} random words, fewer for short binary
 *       fractions (p = 1/4 needs two).</li>
 *   <li>sparse ({@code p < 1/32}): the gaps between set bits are drawn directly, each
 *       geometric with parameter p ({@code ⌊ln U / ln(1−p)⌋}), so a word costs one random draw
 *       per set bit (0.64 at p = 1 %) instead of eight random words.</li>
 * </ul>
 * The dense method rounds p to a multiple of 2<sup>−32</sup>; the sparse one to double
 * precision. Both are deterministic functions of the underlying random stream.
 */
final class BernoulliMask {

    private static final double SPARSE_BELOW = 1.0 / 32;

    private final SplitMix64 rnd;
    private final long threshold;  // dense: p · 2^32, in [0, 2^32]
    private final int lowestSetBit;
    private final boolean sparse;
    private final double logOneMinusP;
    private long skip;             // sparse: offset of the next set bit from the current word's start

    BernoulliMask(double p, SplitMix64 rnd) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
        }
        this.rnd = rnd;
        this.threshold = Math.round(p * 0x1p32);
        this.lowestSetBit = threshold == 0 ? 32 : Long.numberOfTrailingZeros(threshold);
        this.sparse = p > 0 && p < SPARSE_BELOW;
        this.logOneMinusP = Math.log1p(-p);
        if (sparse) {
            skip = gap();
        }
    }

    boolean never() {
        return threshold == 0 && !sparse;
    }

    /** The next 64 lanes, each set with probability p. */
    long next() {
        if (sparse) {
            long m = 0L;
            while (skip < 64) {
                m |= 1L << skip;
                skip += 1 + gap();
            }
            skip -= 64;
            return m;
        }
        if (threshold == 0) {
            return 0L;
        }
        if (threshold >= 1L << 32) {
            return -1L;
        }
        long less = 0L;   // lanes already known to be below the threshold
        long equal = -1L; // lanes whose uniform number equals the threshold so far
        for (int b = 31; b >= lowestSetBit; b--) {
            long r = rnd.nextLong();
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

    /** Failures before the next success: geometric with parameter p. */
    private long gap() {
        double u = (rnd.nextLong() >>> 11) * 0x1p-53;         // uniform in [0, 1)
        double g = Math.log(1.0 - u) / logOneMinusP;          // 1 − u in (0, 1]; Math.log is an intrinsic, log1p is not
        return g >= 0x1p62 ? 1L << 62 : (long) g;
    }
}
