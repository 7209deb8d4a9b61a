package qstcs.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IssueCertCommandTest {

    @TempDir
    Path home;

    private int run(ByteArrayOutputStream out, String... args) {
        return IssueCertCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void issuesARelayCertificateFromTheLocalCa() throws Exception {
        Path file = home.resolve("relay.pem");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, run(out, "--for", "relay", "--san", "relay.lan,192.168.1.30", "--san", "relay2.lan",
                "--out", file.toString(), "--home", home.toString()), out.toString());
        LocalCa ca = LocalCa.load(home.resolve("kms"), Clock.systemUTC());
        ServerIdentity id = ServerIdentity.readPem(file);
        assertEquals(ca.fingerprint(), id.caFingerprint());
        id.certificate().verify(ca.certificate().getPublicKey());
        var sans = id.certificate().getSubjectAlternativeNames().stream().map(l -> l.get(1).toString()).toList();
        assertEquals(java.util.List.of("relay.lan", "192.168.1.30", "relay2.lan"), sans);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(out.toString().contains(ca.fingerprint().toString()));
    }

    @Test
    void refusesIncompleteOrBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, run(out, "--for", "relay", "--out", home.resolve("x").toString()));
        assertEquals(2, run(out, "--for", "printer", "--san", "a", "--out", "x"));
        assertEquals(2, run(out, "--san"));
        assertEquals(1, run(out, "--for", "relay", "--san", "bad name!", "--out", home.resolve("x").toString(),
                "--home", home.toString()));
        assertTrue(out.toString().contains("not a host name or IP address"), out.toString());
    }
}
