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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityKeyTest {

    private static final IdentityKeyPair ALPHA = IdentityKeyPair.generate();
    private static final IdentityKeyPair BRAVO = IdentityKeyPair.generate();
    private static final byte[] MESSAGE = "qstcs".getBytes(StandardCharsets.UTF_8);

    @Test
    void signaturesVerifyOnlyUnderTheirOwnKey() {
        byte[] sig = ALPHA.sign(MESSAGE);
        assertEquals(IdentityKey.SIGNATURE_BYTES, sig.length);
        assertTrue(ALPHA.publicKey().verifies(MESSAGE, sig));
        assertFalse(BRAVO.publicKey().verifies(MESSAGE, sig));
        assertFalse(ALPHA.publicKey().verifies("qstct".getBytes(StandardCharsets.UTF_8), sig));
    }

    @Test
    void publicKeyRoundTripsThroughBase64AndRefusesGarbage() {
        IdentityKey k = ALPHA.publicKey();
        assertEquals(IdentityKey.ENCODED_BYTES, k.encoded().length);
        assertEquals(k, IdentityKey.fromBase64(k.base64()));
        assertThrows(IllegalArgumentException.class, () -> IdentityKey.fromBase64("not base64!"));
        assertThrows(IllegalArgumentException.class, () -> IdentityKey.fromEncoded(new byte[IdentityKey.ENCODED_BYTES]));
    }

    @Test
    void keyFileIsPrivateAndLoadsTheSamePair(@TempDir Path dir) throws Exception {
        IdentityKeyPair made = IdentityKeyPair.loadOrCreate(dir);
        Path file = dir.resolve(IdentityKeyPair.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        IdentityKeyPair again = IdentityKeyPair.loadOrCreate(dir);
        assertEquals(made.publicKey(), again.publicKey());
        assertTrue(made.publicKey().verifies(MESSAGE, again.sign(MESSAGE)));
        assertFalse(again.toString().contains(made.publicKey().base64().substring(0, 40)));
    }

    @Test
    void safetyNumberIsTheSameOnBothSidesAndChangesWithEitherKey() {
        SafetyNumber fromAlpha = SafetyNumber.of("Soldier_Alpha", ALPHA.publicKey(), "Soldier_Bravo", BRAVO.publicKey());
        SafetyNumber fromBravo = SafetyNumber.of("Soldier_Bravo", BRAVO.publicKey(), "Soldier_Alpha", ALPHA.publicKey());
        assertEquals(fromAlpha, fromBravo);
        assertEquals(60, fromAlpha.digits().length());
        assertTrue(fromAlpha.digits().chars().allMatch(Character::isDigit));
        assertEquals(3, fromAlpha.display().lines().count());
        assertTrue(fromBravo.matchesScan(fromAlpha.qrPayload()));
        IdentityKey other = IdentityKeyPair.generate().publicKey();
        SafetyNumber changed = SafetyNumber.of("Soldier_Alpha", ALPHA.publicKey(), "Soldier_Bravo", other);
        assertNotEquals(fromAlpha, changed);
        assertNotEquals(fromAlpha.digits().substring(30), changed.digits().substring(30));
        assertFalse(changed.matchesScan(fromAlpha.qrPayload()));
    }
}
