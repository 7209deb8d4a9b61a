package qstcs.crypto.qkd;

/**
 * Outcome of parameter estimation.
 *
 * @param sampleMask  1 at each sifted position that was disclosed (64 per word)
 * @param sampleSize  number of disclosed positions
 * @param sampleErrors disclosed positions where Alice and Bob differ
 * @param alice       Alice's remaining key (sample removed)
 * @param bob         Bob's remaining key (sample removed)
 */
record ParameterEstimate(long[] sampleMask, int sampleSize, int sampleErrors,
                         BitString alice, BitString bob) {

    /** Estimated QBER: error fraction of the sample (0 for an empty sample). */
    double qber() {
        return sampleSize == 0 ? 0.0 : (double) sampleErrors / sampleSize;
    }
}
