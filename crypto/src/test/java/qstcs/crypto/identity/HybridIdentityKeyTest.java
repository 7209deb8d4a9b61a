package qstcs.crypto.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ML-DSA-65 with Ed25519: both halves must verify, either key changes the safety number, old keys still work. */
class HybridIdentityKeyTest {

    private static final IdentityKeyPair ALPHA = IdentityKeyPair.generate(IdentityAlgorithm.ML_DSA_65_ED25519);
    private static final IdentityKeyPair BRAVO = IdentityKeyPair.generate(IdentityAlgorithm.ML_DSA_65_ED25519);
    private static final byte[] MESSAGE = "qstcs/1 identity signature".getBytes(StandardCharsets.UTF_8);

    @Test
    void aHybridSignatureCarriesBothAndVerifiesUnderItsOwnKeyOnly() {
        byte[] sig = ALPHA.sign(MESSAGE);
        assertEquals(IdentityAlgorithm.ML_DSA_65_ED25519.signatureBytes(), sig.length);
        assertEquals(IdentityKey.SIGNATURE_BYTES + 64, sig.length);
        assertTrue(ALPHA.publicKey().verifies(MESSAGE, sig));
        assertFalse(BRAVO.publicKey().verifies(MESSAGE, sig));
        assertFalse(ALPHA.publicKey().verifies("qstcs/1 identity signaturf".getBytes(StandardCharsets.UTF_8), sig));
        assertEquals(IdentityAlgorithm.ML_DSA_65_ED25519, ALPHA.publicKey().algorithm());
        assertEquals("ML-DSA-65+Ed25519", ALPHA.publicKey().algorithm().wireName());
    }

    @Test
    void aTamperedMlDsaOrEd25519HalfIsRefused() {
        byte[] sig = ALPHA.sign(MESSAGE);
        for (int i : new int[] {0, 1000, IdentityKey.SIGNATURE_BYTES - 1}) {
            byte[] bad = sig.clone();
            bad[i] ^= 0x01;
            assertFalse(ALPHA.publicKey().verifies(MESSAGE, bad), "ML-DSA-65 byte " + i);
        }
        for (int i = IdentityKey.SIGNATURE_BYTES; i < sig.length; i++) {
            byte[] bad = sig.clone();
            bad[i] ^= 0x01;
            assertFalse(ALPHA.publicKey().verifies(MESSAGE, bad), "Ed25519 byte " + i);
        }
        // One half replaced by the same half of another device's valid signature.
        byte[] bravos = BRAVO.sign(MESSAGE);
        byte[] mixed = sig.clone();
        System.arraycopy(bravos, IdentityKey.SIGNATURE_BYTES, mixed, IdentityKey.SIGNATURE_BYTES, 64);
        assertFalse(ALPHA.publicKey().verifies(MESSAGE, mixed), "Alpha's ML-DSA-65 with Bravo's Ed25519");
        mixed = bravos.clone();
        System.arraycopy(sig, IdentityKey.SIGNATURE_BYTES, mixed, IdentityKey.SIGNATURE_BYTES, 64);
        assertFalse(ALPHA.publicKey().verifies(MESSAGE, mixed), "Bravo's ML-DSA-65 with Alpha's Ed25519");
    }

    @Test
    void neitherHalfAloneIsASignature() {
        byte[] sig = ALPHA.sign(MESSAGE);
        byte[] mlOnly = Arrays.copyOf(sig, IdentityKey.SIGNATURE_BYTES);
        assertFalse(ALPHA.publicKey().verifies(MESSAGE, mlOnly), "the hybrid key wants both");
        // Nor does the ML-DSA-65 half pass as a signature of the ML-DSA-65 key alone (a KMS that serves
        // only that half of a hybrid key): the halves sign the message bound to the hybrid's name.
        IdentityKey mlDsaPart = IdentityKey.fromEncoded(Arrays.copyOf(ALPHA.publicKey().encoded(), IdentityKey.ENCODED_BYTES));
        assertEquals(IdentityAlgorithm.ML_DSA_65, mlDsaPart.algorithm());
        assertFalse(mlDsaPart.verifies(MESSAGE, mlOnly));
        assertNotEquals(mlDsaPart.fingerprint(), ALPHA.publicKey().fingerprint());
    }

    @Test
    void safetyNumberChangesWhenEitherKeyChanges() {
        byte[] alpha = ALPHA.publicKey().encoded();
        byte[] other = IdentityKeyPair.generate(IdentityAlgorithm.ML_DSA_65_ED25519).publicKey().encoded();
        IdentityKey newEd25519 = IdentityKey.fromEncoded(splice(alpha, other, IdentityKey.ENCODED_BYTES));
        IdentityKey newMlDsa = IdentityKey.fromEncoded(splice(other, alpha, IdentityKey.ENCODED_BYTES));
        SafetyNumber before = SafetyNumber.of("Soldier_Alpha", ALPHA.publicKey(), "Soldier_Bravo", BRAVO.publicKey());
        assertEquals(before, SafetyNumber.of("Soldier_Bravo", BRAVO.publicKey(), "Soldier_Alpha", ALPHA.publicKey()));
        for (IdentityKey changed : new IdentityKey[] {newEd25519, newMlDsa}) {
            SafetyNumber after = SafetyNumber.of("Soldier_Alpha", changed, "Soldier_Bravo", BRAVO.publicKey());
            assertNotEquals(before, after);
            assertNotEquals(before.digits().substring(0, 30), after.digits().substring(0, 30), "Alpha's half");
            assertFalse(after.matchesScan(before.qrPayload()));
        }
    }

    /** The first {@code cut} bytes of {@code head}, the rest of {@code tail}. */
    private static byte[] splice(byte[] head, byte[] tail, int cut) {
        byte[] out = tail.clone();
        System.arraycopy(head, 0, out, 0, cut);
        return out;
    }

    @Test
    void roundTripsThroughBase64AndRefusesABrokenHalf() {
        IdentityKey k = ALPHA.publicKey();
        assertEquals(k, IdentityKey.fromBase64(k.base64()));
        byte[] broken = k.encoded();
        Arrays.fill(broken, IdentityKey.ENCODED_BYTES, broken.length, (byte) 0);
        assertThrows(IllegalArgumentException.class, () -> IdentityKey.fromEncoded(broken));
        assertThrows(IllegalArgumentException.class, () -> IdentityKey.fromEncoded(new byte[IdentityKey.ENCODED_BYTES + 10]));
        assertEquals(IdentityAlgorithm.ML_DSA_65_ED25519, IdentityAlgorithm.fromWireName("ML-DSA-65+Ed25519"));
        assertThrows(IllegalArgumentException.class, () -> IdentityAlgorithm.fromWireName("Ed25519"));
    }

    @Test
    void keyFileKeepsTheHybridPairAndAnExistingPairIsNeverReplaced(@TempDir Path dir) throws Exception {
        IdentityKeyPair made = IdentityKeyPair.loadOrCreate(dir, IdentityAlgorithm.ML_DSA_65_ED25519);
        Path file = dir.resolve(IdentityKeyPair.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        IdentityKeyPair again = IdentityKeyPair.loadOrCreate(dir, IdentityAlgorithm.ML_DSA_65);
        assertEquals(made.publicKey(), again.publicKey(), "the kind asked for applies to a new pair only");
        assertTrue(made.publicKey().verifies(MESSAGE, again.sign(MESSAGE)));

        Path old = dir.resolve("old");
        IdentityKeyPair mlDsa = IdentityKeyPair.loadOrCreate(old);
        IdentityKeyPair kept = IdentityKeyPair.loadOrCreate(old, IdentityAlgorithm.ML_DSA_65_ED25519);
        assertEquals(IdentityAlgorithm.ML_DSA_65, kept.publicKey().algorithm(), "an ML-DSA-65 identity stays one");
        assertEquals(mlDsa.publicKey(), kept.publicKey());
    }
}
