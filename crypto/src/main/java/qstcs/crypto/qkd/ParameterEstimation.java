package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Step 3: parameter estimation. Alice and Bob publish a uniformly random subset of
 * {@code round(fraction · sifted)} sifted positions, count disagreements to estimate the QBER,
 * and drop those (now public) bits from their keys.
 */
final class ParameterEstimation {

    private ParameterEstimation() {
    }

    static ParameterEstimate estimate(SiftedKeys keys, double fraction, RandomGenerator rng) {
        if (!(fraction > 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("sample fraction must be in (0, 1), was " + fraction);
        }
        int n = keys.length();
        int k = (int) Math.round(fraction * n);
        long[] sample = sampleMask(n, k, rng);
        long[] a = keys.alice().words();
        long[] b = keys.bob().words();
        int errors = 0;
        long[] keep = new long[sample.length];
        for (int w = 0; w < sample.length; w++) {
            errors += Long.bitCount((a[w] ^ b[w]) & sample[w]);
            keep[w] = ~sample[w];
        }
        if ((n & 63) != 0) {
            keep[keep.length - 1] &= (1L << (n & 63)) - 1;
        }
        BitString alice = new BitString(n - k);
        BitString bob = new BitString(n - k);
        Sifting.compressInto(a, keep, alice.words());
        Sifting.compressInto(b, keep, bob.words());
        return new ParameterEstimate(sample, k, errors, alice, bob);
    }

    /**
     * A uniformly random k-subset of [0, n) as a bit mask, by Floyd's algorithm: k draws and
     * no index array, whatever n is.
     */
    static long[] sampleMask(int n, int k, RandomGenerator rng) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("sample size " + k + " not in [0, " + n + "]");
        }
        long[] mask = new long[BitString.wordsFor(n)];
        for (int j = n - k; j < n; j++) {
            int t = rng.nextInt(j + 1);
            if ((mask[t >>> 6] & (1L << t)) != 0) {
                t = j;
            }
            mask[t >>> 6] |= 1L << t;
        }
        return mask;
    }
}
