package qstcs.crypto.qkd;

/**
 * Alice's and Bob's bits at the positions where their bases agreed.
 *
 * @param siftMask 1 at every kept qubit position (64 per word)
 */
record SiftedKeys(BitString alice, BitString bob, long[] siftMask) {

    int length() {
        return alice.length();
    }
}
