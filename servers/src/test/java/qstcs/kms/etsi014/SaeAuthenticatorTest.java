package qstcs.kms.etsi014;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import qstcs.server.pki.LocalCa;
import qstcs.server.pki.SaeIdentity;
import qstcs.server.pki.SaeRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each check of an SAE certificate on its own, with the registry listing the certificate. */
class SaeAuthenticatorTest {
    private final LocalCa ca = LocalCa.create(Clock.systemUTC());

    @Test
    void aListedCertificateOfThisCaIsItsCn() throws Exception {
        Path dir = Files.createTempDirectory("qstcs-sae-auth");
        SaeIdentity sae = ca.issueSae("SAE_1", Duration.ofDays(1));
        SaeRegistry.recordIssued(dir, sae.certificate().getSerialNumber(), "SAE_1", Instant.now());
        SaeAuthenticator auth = new SaeAuthenticator(ca.certificate(), SaeRegistry.watching(dir), Clock.systemUTC());
        assertEquals("SAE_1", auth.authenticate(sae.certificate()));
    }

    @Test
    void anotherCasCertificateIsRefusedEvenIfItsSerialIsListed() throws Exception {
        Path dir = Files.createTempDirectory("qstcs-sae-auth");
        SaeIdentity forged = LocalCa.create(Clock.systemUTC()).issueSae("SAE_1", Duration.ofDays(1));
        SaeRegistry.recordIssued(dir, forged.certificate().getSerialNumber(), "SAE_1", Instant.now());
        SaeAuthenticator auth = new SaeAuthenticator(ca.certificate(), SaeRegistry.watching(dir), Clock.systemUTC());
        EtsiError e = assertThrows(EtsiError.class, () -> auth.authenticate(forged.certificate()));
        assertEquals(401, e.status());
    }

    @Test
    void aServerCertificateOfThisCaIsNotAnSae() throws Exception {
        Path dir = Files.createTempDirectory("qstcs-sae-auth");
        var server = ca.issueServer("SAE_1", java.util.List.of("localhost"), Duration.ofDays(1));
        SaeRegistry.recordIssued(dir, server.certificate().getSerialNumber(), "SAE_1", Instant.now());
        SaeAuthenticator auth = new SaeAuthenticator(ca.certificate(), SaeRegistry.watching(dir), Clock.systemUTC());
        assertEquals(401, assertThrows(EtsiError.class, () -> auth.authenticate(server.certificate())).status());
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("qstcs-sae-auth");
        SaeIdentity sae = ca.issueSae("SAE_1", Duration.ofDays(1));
        SaeRegistry.recordIssued(dir, sae.certificate().getSerialNumber(), "SAE_1", Instant.now());
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
        SaeAuthenticator auth = new SaeAuthenticator(ca.certificate(), SaeRegistry.watching(dir), later);
        assertEquals(401, assertThrows(EtsiError.class, () -> auth.authenticate(sae.certificate())).status());
    }
}
