package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Steele, Lea and Flood's SplitMix64 (2014): one addition and a two-multiply mixer per 64
 * random bits, with statistically good output (it passes BigCrush). Transmission needs about a
 * dozen random words per 64 qubits, so it expands 64 bits drawn from the caller's generator
 * into this stream instead of calling through the {@link RandomGenerator} interface for every
 * word; the round stays a pure function of the caller's generator (same seed, same round).
 * Like every generator in this simulator it stands in for quantum randomness and is not a
 * cryptographic generator.
 */
final class SplitMix64 {

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    static SplitMix64 from(RandomGenerator rng) {
        return new SplitMix64(rng.nextLong());
    }

    long nextLong() {
        long z = (state += 0x9E37_79B9_7F4A_7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
