package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class VerificationTest {

    @Test
    void tagLengthCoversEpsilonCor() {
        assertEquals(50, Verification.tagBits(1e-15));
        assertEquals(10, Verification.tagBits(1.0 / 1024));
    }

    @Test
    void equalKeysPassAndEveryTamperedBitIsDetected() {
        RandomGenerator rng = TestRandom.seeded(99);
        BitString alice = BitString.random(5_000, rng);
        assertTrue(Verification.keysMatch(alice, alice.copy(), 1e-15, rng));
        for (int i = 0; i < alice.length(); i += 37) {
            BitString bob = alice.copy();
            bob.flip(i);
            assertFalse(Verification.keysMatch(alice, bob, 1e-15, rng), "flip at " + i);
        }
        BitString twoFlips = alice.copy();
        twoFlips.flip(10);
        twoFlips.flip(4_000);
        assertFalse(Verification.keysMatch(alice, twoFlips, 1e-15, rng));
        assertFalse(Verification.keysMatch(alice, alice.slice(0, 4_999), 1e-15, rng), "different lengths");
    }
}
