package qstcs.crypto.qkd;

/**
 * Alice's and Bob's bits at the positions where their bases agreed.
 *
 * @param siftMask  1 at every kept qubit position (64 per word)
 * @param testBasis 1 at every kept bit (indexed as in {@code alice}) measured in the test basis ×
 */
record SiftedKeys(BitString alice, BitString bob, long[] siftMask, long[] testBasis) {

    int length() {
        return alice.length();
    }
}
