package qstcs.crypto.qkd;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Randomness sources for the engine. Rounds draw billions of random bits, far beyond what
 * {@link SecureRandom} delivers per second, so both sources are the JDK's L64X128MixRandom
 * (a fast LXM generator with good statistical quality); production seeds it from
 * {@code SecureRandom}, tests and the visualiser from a fixed seed.
 *
 * <p>This is a simulation: the generator stands in for quantum randomness and is not a
 * cryptographic generator.
 */
public final class QkdRandom {

    private static final String ALGORITHM = "L64X128MixRandom";

    private QkdRandom() {
    }

    /** A deterministic generator: the same seed gives the same round. */
    public static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of(ALGORITHM).create(seed);
    }

    /** A generator seeded with 128 bits from {@link SecureRandom}. */
    public static RandomGenerator secure() {
        byte[] seed = new byte[16];
        new SecureRandom().nextBytes(seed);
        return RandomGeneratorFactory.of(ALGORITHM).create(seed);
    }
}
