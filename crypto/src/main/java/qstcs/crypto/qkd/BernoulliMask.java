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
 *       geometric with parameter p, so a word costs about one random draw per set bit (0.64 at
 *       p = 1 %) instead of eight random words. A gap is 256·K + r: by memorylessness K counts
 *       whole runs of 256 zeros (each with probability (1−p)^256) and r follows the geometric
 *       law truncated to [0, 256), drawn in O(1) from a Walker alias table.</li>
 * </ul>
 * Probabilities are quantized to 2<sup>−32</sup> (dense) or 2<sup>−24</sup> (alias table);
 * both methods are deterministic functions of the underlying random stream.
 */
final class BernoulliMask {

    private static final double SPARSE_BELOW = 1.0 / 32;

    private final SplitMix64 rnd;
    private final long threshold;  // dense: p · 2^32, in [0, 2^32]
    private final int lowestSetBit;
    private final boolean sparse;
    private final long runOf256Threshold;  // sparse: (1−p)^256 · 2^32
    private final int[] aliasProb;          // sparse: 24-bit acceptance thresholds
    private final int[] alias;
    private long skip;             // sparse: offset of the next set bit from the current word's start

    BernoulliMask(double p, SplitMix64 rnd) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
        }
        this.rnd = rnd;
        this.threshold = Math.round(p * 0x1p32);
        this.lowestSetBit = threshold == 0 ? 32 : Long.numberOfTrailingZeros(threshold);
        this.sparse = p > 0 && p < SPARSE_BELOW;
        if (sparse) {
            double q = 1 - p;
            this.runOf256Threshold = Math.round(Math.pow(q, 256) * 0x1p32);
            this.aliasProb = new int[256];
            this.alias = new int[256];
            buildAlias(q);
            skip = gap();
        } else {
            this.runOf256Threshold = 0;
            this.aliasProb = null;
            this.alias = null;
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
            long t = -((threshold >>> b) & 1L);   // all ones where the threshold bit is 1
            less |= equal & ~r & t;                // lane's bit 0 under a threshold bit 1: below
            equal &= ~(r ^ t);                     // still tied only where the bits agree
            if (equal == 0L) {
                break;
            }
        }
        // Lanes still equal after the lowest set bit of the threshold can only end up >= p.
        return less;
    }

    /** Failures before the next success: geometric with parameter p. */
    private long gap() {
        long g = 0;
        while (true) {
            long r = rnd.nextLong();
            if ((r & 0xFFFF_FFFFL) < runOf256Threshold) {
                g += 256;                                // 256 failures in a row; start afresh
                continue;
            }
            int idx = (int) (r >>> 32) & 0xFF;
            int u = (int) (r >>> 40);                    // 24 uniform bits
            return g + (u < aliasProb[idx] ? idx : alias[idx]);
        }
    }

    /** Walker/Vose alias table for P(r) ∝ q^r on r in [0, 256). */
    private void buildAlias(double q) {
        double[] scaled = new double[256];
        double norm = (1 - q) / (1 - Math.pow(q, 256));
        for (int r = 0; r < 256; r++) {
            scaled[r] = 256 * norm * Math.pow(q, r);
        }
        int[] small = new int[256];
        int[] large = new int[256];
        int ns = 0;
        int nl = 0;
        for (int r = 0; r < 256; r++) {
            if (scaled[r] < 1.0) {
                small[ns++] = r;
            } else {
                large[nl++] = r;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            aliasProb[s] = (int) Math.round(scaled[s] * 0x1p24);
            alias[s] = l;
            scaled[l] -= 1.0 - scaled[s];
            if (scaled[l] < 1.0) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            aliasProb[l] = 1 << 24;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            aliasProb[s] = 1 << 24;                      // rounding leftovers: keep themselves
            alias[s] = s;
        }
    }
}
