package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * The benchmark module's door into the engine's package-private steps, so {@code EngineBench}
 * can time each step alone without the production API exposing them. It sits in the engine's
 * package in the {@code bench} module, which product commands never put on their class path.
 */
public final class EngineProbe {

    private EngineProbe() {
    }

    /** Transmission then sifting of {@code qubits}; returns the sifted length. */
    public static int transmitAndSift(int qubits, double noise, double eve, RandomGenerator rng) {
        return Sifting.sift(Transmission.run(qubits, noise, eve, rng)).length();
    }

    /** A frame for Cascade: Alice's random key and Bob's copy through a BSC(q). */
    public static Object[] frame(int n, double q, RandomGenerator rng) {
        BitString alice = BitString.random(n, rng);
        return new Object[] {alice, noisyCopy(alice, q, rng)};
    }

    /** Reconciles a frame; returns {leak, 1 if keys now equal else 0}. */
    public static long[] reconcile(Object[] frame, double q, CascadeVariant v, RandomGenerator rng) {
        BitString alice = (BitString) frame[0];
        Reconciliation r = Cascade.reconcile(alice, (BitString) frame[1], q, v, rng, false);
        return new long[] {r.leakedBits(), alice.contentEquals(r.bob()) ? 1 : 0};
    }

    /** A random input and seed for a Toeplitz product of n → l bits. */
    public static Object[] toeplitzInput(int n, int l, RandomGenerator rng) {
        return new Object[] {BitString.random(n, rng), BitString.random(n + l - 1, rng), l};
    }

    /** Runs the production Toeplitz product; returns the output's popcount (keeps the JIT honest). */
    public static int toeplitz(Object[] input) {
        return PrivacyAmplification.toeplitz((BitString) input[0], (BitString) input[1], (Integer) input[2]).popCount();
    }

    /** Which FFT butterflies privacy amplification runs with ("vector, 4 doubles" or "scalar"). */
    public static String fftButterflies() {
        return Radix4Butterflies.fastest().description();
    }

    /** Bob's copy of a frame: each bit flipped with probability q (a binary symmetric channel). */
    private static BitString noisyCopy(BitString alice, double q, RandomGenerator rng) {
        BitString bob = alice.copy();
        BernoulliMask mask = new BernoulliMask(q, SplitMix64.from(rng));
        long[] w = bob.words();
        for (int i = 0; i < w.length; i++) {
            w[i] ^= mask.next();
        }
        bob.clearTail();
        return bob;
    }
}
