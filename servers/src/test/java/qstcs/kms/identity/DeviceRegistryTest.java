package qstcs.kms.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qstcs.kms.identity.DeviceRegistry.Redemption;
import qstcs.kms.identity.DeviceRegistry.Refusal;
import qstcs.server.auth.BearerTokens;

class DeviceRegistryTest {

    @TempDir
    Path kms;
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-25T20:00:00Z"));

    @Test
    void codeEnrollsOnceAndTheTokenAuthenticates() throws Exception {
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            EnrollmentCode code = r.createCode("Soldier_Charlie", Duration.ofMinutes(15));
            Redemption first = r.redeem("Soldier_Charlie", code.code());
            String token = assertInstanceOf(Redemption.Enrolled.class, first).deviceToken();
            assertTrue(BearerTokens.isWellFormed(token));
            assertEquals(Optional.of("Soldier_Charlie"), r.authenticate(token));
            assertEquals(new Redemption.Refused(Refusal.ALREADY_USED), r.redeem("Soldier_Charlie", code.code()));
            assertFalse(first.toString().contains(token));
            assertFalse(code.toString().contains(code.code()));
        }
    }

    @Test
    void codeExpiresAfterItsTtl() throws Exception {
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            EnrollmentCode code = r.createCode("d1", Duration.ofMinutes(15));
            clock.advance(Duration.ofMinutes(15));
            assertEquals(new Redemption.Refused(Refusal.EXPIRED), r.redeem("d1", code.code()));
            EnrollmentCode fresh = r.createCode("d1", Duration.ofMinutes(15));
            clock.advance(Duration.ofMinutes(14).plusSeconds(59));
            assertInstanceOf(Redemption.Enrolled.class, r.redeem("d1", fresh.code()));
        }
    }

    @Test
    void codeWorksOnlyForItsDeviceAndIgnoresCaseAndDashes() throws Exception {
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            EnrollmentCode code = r.createCode("d1", Duration.ofMinutes(15));
            assertEquals(new Redemption.Refused(Refusal.WRONG_DEVICE), r.redeem("d2", code.code()));
            assertEquals(new Redemption.Refused(Refusal.UNKNOWN_CODE), r.redeem("d1", "0000000000000000"));
            String typed = code.code().substring(0, 8).toLowerCase() + "-" + code.code().substring(8);
            assertInstanceOf(Redemption.Enrolled.class, r.redeem("d1", typed));
        }
    }

    @Test
    void reEnrollmentReplacesTheOldTokenAndRevocationEndsBoth() throws Exception {
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            String old = r.issueToken("d1");
            String current = r.issueToken("d1");
            assertNotEquals(old, current);
            assertEquals(Optional.empty(), r.authenticate(old));
            assertEquals(Optional.of("d1"), r.authenticate(current));
            EnrollmentCode pending = r.createCode("d1", Duration.ofMinutes(15));
            assertTrue(r.revoke("d1"));
            assertFalse(r.revoke("d1"));
            assertEquals(Optional.empty(), r.authenticate(current));
            assertEquals(new Redemption.Refused(Refusal.ALREADY_USED), r.redeem("d1", pending.code()));
            assertFalse(r.list().getFirst().active());
        }
    }

    @Test
    void onlyHashesReachTheDiskAndStateSurvivesARestart() throws Exception {
        String token;
        EnrollmentCode code;
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            token = r.issueToken("Soldier_Alpha");
            code = r.createCode("Soldier_Bravo", Duration.ofMinutes(15));
        }
        Path db = kms.resolve(DeviceRegistry.DB_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        StringBuilder everything = new StringBuilder();
        try (var files = Files.list(kms)) {
            for (Path f : files.toList()) {
                everything.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertFalse(everything.toString().contains(token), "device token on disk");
        assertFalse(everything.toString().contains(code.code()), "enrollment code on disk");
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            assertEquals(Optional.of("Soldier_Alpha"), r.authenticate(token));
            assertInstanceOf(Redemption.Enrolled.class, r.redeem("Soldier_Bravo", code.code()));
        }
    }

    @Test
    void badDeviceIdsAndTokensAreRefused() throws Exception {
        try (DeviceRegistry r = DeviceRegistry.open(kms, clock)) {
            for (String bad : new String[] {"", "a b", "../x", "_broadcast_", "x".repeat(65), "é"}) {
                assertThrows(IllegalArgumentException.class, () -> r.createCode(bad, Duration.ofMinutes(1)), bad);
            }
            assertEquals(Optional.empty(), r.authenticate(null));
            assertEquals(Optional.empty(), r.authenticate("not-a-token"));
            assertEquals(Optional.empty(), r.authenticate(BearerTokens.newToken()));
        }
    }
}
