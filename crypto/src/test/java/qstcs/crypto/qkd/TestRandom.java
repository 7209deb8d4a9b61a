package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** A fast generator with a fixed seed, for tests that feed one engine step with random input. */
final class TestRandom {

    private TestRandom() {
    }

    static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /** Round randomness whose both streams follow from {@code seed}. */
    static RoundRandomness round(long seed) {
        return QkdRandom.seeded(seed).nextRound();
    }
}
