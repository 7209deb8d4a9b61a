package qstcs.crypto.qkd;

import java.util.Optional;

/**
 * One qubit of a traced round, as the visualiser shows it.
 *
 * @param index       qubit number in the round
 * @param aliceBit    Alice's bit (0/1)
 * @param aliceBasis  Alice's preparation basis
 * @param eveBasis    Eve's basis where she intercepted this qubit, empty otherwise
 * @param bobBasis    Bob's measurement basis
 * @param bobResult   Bob's measured bit (0/1)
 * @param sifted      bases matched, so the bit was kept
 * @param sampled     disclosed during parameter estimation
 * @param corrected   Bob's bit was flipped by Cascade
 */
public record QubitTrace(int index, int aliceBit, Basis aliceBasis, Optional<Basis> eveBasis, Basis bobBasis,
                         int bobResult, boolean sifted, boolean sampled, boolean corrected) {

    /** Bob's raw result differs from Alice's bit (an error only matters where sifted). */
    public boolean differs() {
        return aliceBit != bobResult;
    }
}
