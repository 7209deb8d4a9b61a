package qstcs.crypto.qkd;

import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Where a link's rounds get their randomness. Each round gets a fresh {@link RoundRandomness}:
 * an AES-256-CTR keystream under a new key for everything that is, or selects, key material
 * (Alice's bits and bases, Bob's bases, Cascade's permutations, the verification and Toeplitz
 * seeds), and a fast generator for the simulated physics only (channel noise, Eve's choices,
 * measurement outcomes in the wrong basis). Both are keyed per round from a root generator.
 *
 * <p>{@link #secure()} roots them in a {@link SecureRandom} DRBG (Hash_DRBG, 256-bit strength):
 * what the protocol makes public (bases, test bits, parities, seeds) is keystream output, from
 * which neither the round's AES key nor the DRBG's state can be computed, so one round says
 * nothing about another. {@link #seeded(long)} roots them in a fixed seed instead, so a test or
 * the visualiser gets the same round back; its keys are predictable from the seed and must never
 * be used as keys.
 */
public final class QkdRandom {

    private static final String FAST_ALGORITHM = "L64X128MixRandom";
    private static final int DRBG_STRENGTH = 256;

    private final RandomGenerator root;
    private final boolean cryptographic;
    /** A cipher a finished round gave back, re-keyed by the next round (guarded by this). */
    private javax.crypto.Cipher spare;

    private QkdRandom(RandomGenerator root, boolean cryptographic) {
        this.root = root;
        this.cryptographic = cryptographic;
    }

    /** Rounds keyed from a fresh {@code SecureRandom} DRBG: the production source. */
    public static QkdRandom secure() {
        try {
            SecureRandom drbg = SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(DRBG_STRENGTH,
                    DrbgParameters.Capability.RESEED_ONLY, "qstcs bb84 link".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return new QkdRandom(drbg, true);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK offers no DRBG SecureRandom", e);
        }
    }

    /** Deterministic rounds: the same seed gives the same rounds. For tests and display only. */
    public static QkdRandom seeded(long seed) {
        return new QkdRandom(RandomGeneratorFactory.of(FAST_ALGORITHM).create(seed), false);
    }

    /** Whether the rounds are keyed from a cryptographic DRBG ({@link #secure()}). */
    public boolean isCryptographic() {
        return cryptographic;
    }

    /** The root generator (the DRBG for {@link #secure()}); exposed to tests in this package. */
    RandomGenerator root() {
        return root;
    }

    /** Fresh keys for one round: a new AES key for the secret stream, a new seed for the physics. */
    synchronized RoundRandomness nextRound() {
        byte[] key = new byte[AesCtrStream.KEY_BYTES];
        try {
            root.nextBytes(key);
            javax.crypto.Cipher cipher = spare != null ? spare : AesCtrStream.newCipher();
            spare = null;
            return new RoundRandomness(new AesCtrStream(cipher, key, this::recycle), new SplitMix64(root.nextLong()));
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    private synchronized void recycle(javax.crypto.Cipher cipher) {
        spare = cipher;
    }

    @Override
    public String toString() {
        return cryptographic ? "QkdRandom[DRBG]" : "QkdRandom[seeded, not for keys]";
    }
}
