package qstcs.crypto.qkd;

/**
 * One round's randomness, split by what it may decide.
 *
 * @param secret  the cryptographic keystream: every bit that is, or selects, key material
 * @param physics the fast generator of the simulated physics (noise, Eve, wrong-basis outcomes),
 *                whose state may become known without revealing any key bit
 */
record RoundRandomness(AesCtrStream secret, SplitMix64 physics) {

    /** Clears the buffered keystream once the round is done. */
    void destroy() {
        secret.destroy();
    }
}
