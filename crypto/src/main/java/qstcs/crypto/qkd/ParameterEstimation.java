package qstcs.crypto.qkd;

/**
 * Step 3: parameter estimation, per basis. Every sifted bit of the test basis (×) is disclosed:
 * their error rate bounds the phase error of the key, which consists of the sifted bits of the
 * other basis (+), as in Tomamichel, Lim, Gisin and Renner (2012). The test bits are dropped
 * from the key; which bits they are was decided by the secret basis choices, so no separate
 * random sample is drawn.
 */
final class ParameterEstimation {

    private ParameterEstimation() {
    }

    static ParameterEstimate estimate(SiftedKeys keys) {
        int n = keys.length();
        long[] sample = keys.testBasis().clone();
        long[] a = keys.alice().words();
        long[] b = keys.bob().words();
        int errors = 0;
        int k = 0;
        long[] keep = new long[sample.length];
        for (int w = 0; w < sample.length; w++) {
            errors += Long.bitCount((a[w] ^ b[w]) & sample[w]);
            k += Long.bitCount(sample[w]);
            keep[w] = ~sample[w];
        }
        if ((n & 63) != 0 && keep.length > 0) {
            keep[keep.length - 1] &= (1L << (n & 63)) - 1;
        }
        BitString alice = new BitString(n - k);
        BitString bob = new BitString(n - k);
        Sifting.compressInto(a, keep, alice.words());
        Sifting.compressInto(b, keep, bob.words());
        return new ParameterEstimate(sample, k, errors, alice, bob);
    }
}
