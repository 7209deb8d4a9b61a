package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkRoundTest {

    @Test
    void sameSeedGivesTheSameRound() {
        RoundConfig config = RoundConfig.defaults();
        RoundResult a = LinkRound.run(config, QkdRandom.seeded(42));
        RoundResult b = LinkRound.run(config, QkdRandom.seeded(42));
        assertArrayEquals(a.key().toBytes(), b.key().toBytes());
        assertEquals(a.stats().sifted(), b.stats().sifted());
        assertEquals(a.stats().estimatedQber(), b.stats().estimatedQber());
        assertEquals(a.stats().trueQber(), b.stats().trueQber());
        assertEquals(a.stats().leakEc(), b.stats().leakEc());
        assertEquals(a.stats().finalLength(), b.stats().finalLength());
        RoundResult c = LinkRound.run(config, QkdRandom.seeded(43));
        assertFalse(a.key().contentEquals(c.key()), "another seed gives another key");
    }

    @Test
    void defaultRoundProducesAKey() {
        RoundResult r = LinkRound.run(RoundConfig.defaults(), QkdRandom.seeded(1));
        RoundStats s = r.stats();
        assertEquals(AbortReason.NONE, s.abortReason(), s.toString());
        assertFalse(s.aborted());
        assertFalse(s.eveActive());
        assertEquals(65_536, s.qubits());
        // Both pick the test basis × with probability 1/4: 5/8 of qubits sifted, 1/16 test bits.
        assertEquals(40_960, s.sifted(), 700, "5/8 of the bases match");
        assertEquals(4_096, s.sampleSize(), 400, "the × bits");
        assertEquals(0.01, s.trueQber(), 0.003);
        assertTrue(s.leakEc() > 0);
        assertTrue(s.efficiency() > 1.0 && s.efficiency() < 1.5, "f=" + s.efficiency());
        int n = s.sifted() - s.sampleSize();
        long errors = Math.round(s.estimatedQber() * s.sampleSize());
        assertEquals(FiniteKey.toleratedQber(errors, s.sampleSize()).orElseThrow(), s.toleratedQber());
        assertEquals(FiniteKey.secretLength(n, s.sampleSize(), s.toleratedQber(), s.leakEc(), 1e-10, 1e-15),
                s.finalLength());
        assertTrue(s.finalLength() > 5_000, "l=" + s.finalLength());
        assertEquals(s.finalLength(), r.key().length());
        assertTrue(r.trace().isEmpty());
    }

    @Test
    void fullInterceptResendAlwaysAbortsAsBreach() {
        RoundConfig config = RoundConfig.defaults().withEve(1.0);
        for (long seed = 0; seed < 20; seed++) {
            RoundResult r = LinkRound.run(config, QkdRandom.seeded(seed));
            assertEquals(AbortReason.QBER_ABOVE_THRESHOLD, r.stats().abortReason());
            assertTrue(r.stats().breach());
            assertTrue(r.stats().eveActive());
            assertEquals(0, r.key().length());
            assertEquals(0.25, r.stats().estimatedQber(), 0.04);
        }
    }

    @Test
    void estimatedQberAtThresholdAborts() {
        RoundResult r = LinkRound.run(RoundConfig.defaults().withNoise(0.13), QkdRandom.seeded(5));
        assertEquals(AbortReason.QBER_ABOVE_THRESHOLD, r.stats().abortReason());
        assertTrue(r.stats().estimatedQber() >= LinkRound.ABORT_QBER);
        assertEquals(0, r.key().length());
    }

    @Test
    void betweenTheNoKeyZoneAndTheThresholdARoundIsNoBreachButGivesNoKey() {
        // 8 % noise: every estimate lands in a bin of 7 % or more, where the bound leaves nothing.
        for (long seed = 0; seed < 5; seed++) {
            RoundResult r = LinkRound.run(RoundConfig.defaults().withNoise(0.08), QkdRandom.seeded(seed));
            RoundStats s = r.stats();
            assertEquals(AbortReason.NO_SECRET_KEY, s.abortReason(), s.toString());
            assertEquals("finite_key", s.abortReason().reason());
            assertFalse(s.breach());
            assertEquals(0, s.finalLength());
            assertEquals(0, r.key().length());
            assertTrue(s.toleratedQber() >= 0.07, s.toString());
        }
    }

    @Test
    void configRejectsBadValuesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoundConfig.defaults().withNoise(0.7));
        assertTrue(e.getMessage().contains("noise") && e.getMessage().contains("0.7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoundConfig.defaults().withQubits(0));
        assertThrows(IllegalArgumentException.class, () -> RoundConfig.defaults().withEve(-0.1));
        assertThrows(IllegalArgumentException.class, () -> RoundConfig.defaults().withSampleFraction(1.0));
        assertThrows(IllegalArgumentException.class, () -> RoundConfig.defaults().withTraced(true));
        assertThrows(IllegalArgumentException.class, () -> RoundConfig.defaults().withEpsilons(0, 1e-15));
    }

    @Test
    void keyBitsNeverShowContents() {
        RoundResult r = LinkRound.run(RoundConfig.defaults(), QkdRandom.seeded(8));
        assertEquals("KeyBits[" + r.key().length() + " bits]", r.key().toString());
        KeyBits slice = r.key().slice(3, 20);
        assertEquals(20, slice.length());
        for (int i = 0; i < 20; i++) {
            assertEquals(r.key().bit(3 + i), slice.bit(i));
        }
        r.key().destroy();
        assertTrue(r.key().isDestroyed());
        assertThrows(IllegalStateException.class, () -> r.key().toBytes());
    }
}
