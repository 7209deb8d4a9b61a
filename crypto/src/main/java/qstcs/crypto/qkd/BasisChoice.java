package qstcs.crypto.qkd;

/**
 * The biased basis choice of efficient BB84, as in Tomamichel, Lim, Gisin and Renner (2012):
 * Alice and Bob each pick the test basis (diagonal, ×) with probability {@code p} and the key
 * basis (rectilinear, +) otherwise, independently per qubit. Sifted + positions form the key,
 * sifted × positions are all disclosed to estimate the phase error of the key. A share
 * {@code s} of test bits among sifted bits needs p²/(p² + (1−p)²) = s, i.e.
 * p = √s / (√s + √(1−s)); the default s = 10 % gives p = 1/4 exactly.
 *
 * <p>p is rounded to a multiple of 1/256 and written t/2^d with t odd, so the 64 choices of a
 * word are one bit-sliced comparison of d keystream words against t: lane i is × when its
 * d-bit number (one bit from each word, most significant first) is below t. p = 1/4 costs two
 * words per 64 qubits.
 */
record BasisChoice(int threshold, int words) {

    private static final int RESOLUTION_BITS = 8;

    BasisChoice {
        if (words < 1 || words > RESOLUTION_BITS || threshold < 1 || threshold >= 1 << words || (threshold & 1) == 0) {
            throw new IllegalArgumentException("basis threshold " + threshold + "/2^" + words + " is not an odd fraction in (0, 1)");
        }
    }

    /** The choice whose expected share of test bits among sifted bits is {@code testShare}. */
    static BasisChoice forTestShare(double testShare) {
        if (!(testShare > 0.0 && testShare < 1.0)) {
            throw new IllegalArgumentException("test share must be in (0, 1), was " + testShare);
        }
        double p = Math.sqrt(testShare) / (Math.sqrt(testShare) + Math.sqrt(1 - testShare));
        int m = (int) Math.clamp(Math.round(p * (1 << RESOLUTION_BITS)), 1, (1 << RESOLUTION_BITS) - 1);
        int d = RESOLUTION_BITS - Integer.numberOfTrailingZeros(m);
        return new BasisChoice(m >>> Integer.numberOfTrailingZeros(m), d);
    }

    /** Probability of the test basis. */
    double testProbability() {
        return threshold / (double) (1 << words);
    }

    /** 64 basis choices (1 = ×, the test basis) from {@code words()} keystream words from word {@code offset}. */
    long mask(byte[] keystream, int offset) {
        long less = 0L;
        long equal = -1L;
        for (int b = words - 1; b >= 0; b--) {
            long x = AesCtrStream.word(keystream, offset + words - 1 - b);
            if (((threshold >>> b) & 1) != 0) {
                less |= equal & ~x;
                equal &= x;
            } else {
                equal &= ~x;
            }
        }
        return less;
    }
}
