package qstcs.crypto.qkd;

/**
 * Step 1: BB84 transmission over a simulated channel, 64 qubits per {@code long}.
 *
 * <p>Physics per qubit: Alice prepares bit {@code a} in basis {@code α}. With probability
 * {@code eveRate} Eve intercepts, measures in a random basis {@code ε} (she reads {@code a}
 * when {@code ε = α}, a fair coin otherwise) and resends her result in basis {@code ε}. The
 * channel then flips the qubit with probability {@code noise}. Bob measures in basis
 * {@code β}: he reads the incoming bit when {@code β} equals the basis it was prepared in, a
 * fair coin otherwise. In the sifted key this gives QBER = e + p·(1−2e)/4 in either basis.
 *
 * <p>Alice's bits, her bases and Bob's bases come from the round's cryptographic keystream, in
 * one bulk call; Eve, the noise and the wrong-basis coins from the fast physics generator.
 */
final class Transmission {

    private Transmission() {
    }

    static QubitExchange run(int qubits, BasisChoice bases, double noise, double eveRate, RoundRandomness random) {
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
        int d = bases.words();
        int stride = 1 + 2 * d;
        AesCtrStream stream = random.secret();
        byte[] secret = stream.keystream(Math.multiplyExact(words * stride, Long.BYTES));
        SplitMix64 rnd = random.physics();
        BernoulliMask noiseMask = new BernoulliMask(noise, rnd);
        BernoulliMask eveMask = new BernoulliMask(eveRate, rnd);
        boolean eve = !eveMask.never();
        for (int w = 0, s = 0; w < words; w++, s += stride) {
            long a = AesCtrStream.word(secret, s);
            long alpha = bases.mask(secret, s + 1);
            long beta = bases.mask(secret, s + 1 + d);
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
        stream.release();
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
