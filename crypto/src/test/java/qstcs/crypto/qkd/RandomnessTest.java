package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.DrbgParameters;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Key-relevant randomness is cryptographic: rounds are keyed from a {@code SecureRandom} DRBG,
 * everything that is or selects key material is AES-256-CTR keystream under a fresh key per
 * round, and what the protocol makes public does not give the generator away.
 */
class RandomnessTest {

    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    private static final long M1 = 0xBF58_476D_1CE4_E5B9L;
    private static final long M2 = 0x94D0_49BB_1331_11EBL;

    @Test
    void productionRoundsAreKeyedFromADrbgIntoAnAesCtrStream() {
        QkdRandom random = QkdRandom.secure();
        assertTrue(random.isCryptographic());
        SecureRandom root = assertInstanceOf(SecureRandom.class, random.root());
        assertEquals("DRBG", root.getAlgorithm());
        DrbgParameters.Instantiation params = assertInstanceOf(DrbgParameters.Instantiation.class, root.getParameters());
        assertTrue(params.getStrength() >= 256, "256-bit strength for a 256-bit AES key: " + params);
        RoundRandomness first = random.nextRound();
        RoundRandomness second = random.nextRound();
        assertInstanceOf(AesCtrStream.class, first.secret());
        long[] a = new long[4];
        long[] b = new long[4];
        first.secret().fill(a, 0, 4);
        second.secret().fill(b, 0, 4);
        assertFalse(java.util.Arrays.equals(a, b), "every round has its own AES key");
        assertFalse(QkdRandom.seeded(1).isCryptographic());
    }

    @Test
    void identicallySeededSecureSourcesStillGiveDifferentKeys() {
        // SecureRandom's public seeding only adds to a DRBG's entropy, never replaces it.
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) 7);
        QkdRandom a = QkdRandom.secure();
        QkdRandom b = QkdRandom.secure();
        ((SecureRandom) a.root()).setSeed(seed);
        ((SecureRandom) b.root()).setSeed(seed);
        RoundResult ra = LinkRound.run(RoundConfig.defaults(), a);
        RoundResult rb = LinkRound.run(RoundConfig.defaults(), b);
        assertTrue(ra.key().length() > 0 && rb.key().length() > 0, ra.stats() + " / " + rb.stats());
        int n = Math.min(ra.key().length(), rb.key().length());
        assertFalse(ra.key().slice(0, n).contentEquals(rb.key().slice(0, n)), "identical seeding, different keys");
        // Whereas the deterministic source, meant for tests, repeats itself:
        assertArrayEquals(LinkRound.run(RoundConfig.defaults(), QkdRandom.seeded(3)).key().toBytes(),
                LinkRound.run(RoundConfig.defaults(), QkdRandom.seeded(3)).key().toBytes());
    }

    /**
     * The attack that broke an earlier engine, which drew Alice's bits, her bases and Bob's bases
     * as consecutive SplitMix64 words: the SplitMix64 output function is invertible, so one
     * announced basis word gives the generator's state and the word drawn before it, Alice's
     * bits. Against the keystream it predicts nothing: about half the bits agree by chance.
     */
    @Test
    void announcedBasesDoNotRevealAlicesBits() {
        QubitExchange x = Transmission.run(1 << 16, BasisChoice.forTestShare(0.10), 0.01, 0.0,
                QkdRandom.secure().nextRound());
        long agreeing = 0;
        for (int w = 0; w < x.words(); w++) {
            long[] publicWords = {x.aliceBases()[w], x.bobBases()[w]};
            for (long announced : publicWords) {
                long state = unmix(announced);
                for (int back = 1; back <= 3; back++) {
                    long predicted = mix(state - back * GOLDEN_GAMMA);
                    assertNotEquals(x.aliceBits()[w], predicted, "word " + w + " predicted from a public word");
                    agreeing += Long.bitCount(~(predicted ^ x.aliceBits()[w]));
                }
            }
        }
        long total = (long) x.words() * 2 * 3 * 64;
        assertEquals(0.5, agreeing / (double) total, 0.01, "no better than guessing");
    }

    @Test
    void theInversionRecoversSplitMix64() {
        // The attack above is real: on a SplitMix64 stream it predicts the previous word exactly.
        SplitMix64 s = new SplitMix64(12345);
        long bits = s.nextLong();
        long bases = s.nextLong();
        assertEquals(bits, mix(unmix(bases) - GOLDEN_GAMMA));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * M1;
        z = (z ^ (z >>> 27)) * M2;
        return z ^ (z >>> 31);
    }

    /** SplitMix64's state after the draw that output {@code out}. */
    private static long unmix(long out) {
        long z = out ^ (out >>> 31) ^ (out >>> 62);
        z *= inverse(M2);
        z = z ^ (z >>> 27) ^ (z >>> 54);
        z *= inverse(M1);
        return z ^ (z >>> 30) ^ (z >>> 60);
    }

    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 6; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }
}
