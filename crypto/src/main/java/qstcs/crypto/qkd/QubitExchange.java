package qstcs.crypto.qkd;

/**
 * What happened on the simulated quantum channel for {@code qubits} qubits, 64 per word
 * (bit {@code i} of word {@code i >>> 6}). Bases: 0 = rectilinear (+), 1 = diagonal (×).
 *
 * @param aliceBits    Alice's raw bits
 * @param aliceBases   Alice's preparation bases
 * @param eveActed     1 where Eve intercepted and resent the qubit
 * @param eveBases     Eve's measurement (and resend) basis, meaningful where she acted
 * @param bobBases     Bob's measurement bases
 * @param bobResults   Bob's measured bits
 */
record QubitExchange(int qubits, long[] aliceBits, long[] aliceBases, long[] eveActed,
                     long[] eveBases, long[] bobBases, long[] bobResults) {

    int words() {
        return aliceBits.length;
    }
}
