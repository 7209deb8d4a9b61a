package qstcs.crypto.qkd;

/**
 * Outcome of Cascade.
 *
 * @param bob          Bob's corrected key (Alice's key is unchanged)
 * @param leakedBits   every parity bit Alice disclosed (leak_EC)
 * @param corrections  key positions Bob flipped, in order; empty unless traced
 * @param corrected    number of flips Bob made
 */
record Reconciliation(BitString bob, long leakedBits, int[] corrections, int corrected) {
}
