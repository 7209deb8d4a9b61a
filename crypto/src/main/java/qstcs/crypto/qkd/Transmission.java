package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Step 1: BB84 transmission over a simulated channel, 64 qubits per {@code long}.
 *
 * <p>Physics per qubit: Alice prepares bit {@code a} in basis {@code α}. With probability
 * {@code eveRate} Eve intercepts, measures in a random basis {@code ε} (she reads {@code a}
 * when {@code ε = α}, a fair coin otherwise) and resends her result in basis {@code ε}. The
 * channel then flips the qubit with probability {@code noise}. Bob measures in a random basis
 * {@code β}: he reads the incoming bit when {@code β} equals the basis it was prepared in, a
 * fair coin otherwise. In the sifted key this gives QBER = e + p·(1−2e)/4.
 */
final class Transmission {

    private Transmission() {
    }

    static QubitExchange run(int qubits, double noise, double eveRate, RandomGenerator rng) {
        if (qubits < 0) {
            throw new IllegalArgumentException("qubits must be >= 0, was " + qubits);
        }
        int words = BitString.wordsFor(qubits);
        long[] aBits = new long[words];
        long[] aBases = new long[words];
        long[] eActed = new long[words];
        long[] eBases = new long[words];
        long[] bBases = new long[words];
        long[] bResults = new long[words];
        SplitMix64 rnd = SplitMix64.from(rng);
        BernoulliMask noiseMask = new BernoulliMask(noise, rnd);
        BernoulliMask eveMask = new BernoulliMask(eveRate, rnd);
        boolean eve = !eveMask.never();
        for (int w = 0; w < words; w++) {
            long a = rnd.nextLong();
            long alpha = rnd.nextLong();
            long beta = rnd.nextLong();
            // The state arriving at Bob: bit and preparation basis.
            long inBit = a;
            long inBasis = alpha;
            if (eve) {
                long acted = eveMask.next();
                long epsilon = rnd.nextLong();
                long eveRead = (a & ~(epsilon ^ alpha)) | (rnd.nextLong() & (epsilon ^ alpha));
                inBit = (a & ~acted) | (eveRead & acted);
                inBasis = (alpha & ~acted) | (epsilon & acted);
                eActed[w] = acted;
                eBases[w] = epsilon & acted;
            }
            inBit ^= noiseMask.next();
            long mismatch = beta ^ inBasis;
            long bob = (inBit & ~mismatch) | (rnd.nextLong() & mismatch);
            aBits[w] = a;
            aBases[w] = alpha;
            bBases[w] = beta;
            bResults[w] = bob;
        }
        int rem = qubits & 63;
        if (rem != 0) {
            long keep = (1L << rem) - 1;
            int last = words - 1;
            aBits[last] &= keep;
            aBases[last] &= keep;
            eActed[last] &= keep;
            eBases[last] &= keep;
            bBases[last] &= keep;
            bResults[last] &= keep;
        }
        return new QubitExchange(qubits, aBits, aBases, eActed, eBases, bBases, bResults);
    }
}
