package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleOptionsTest {
    @Test
    void readsTheDesignFlagNames() throws Exception {
        ConsoleOptions o = ConsoleOptions.parse(List.of("--home", "/tmp/q", "--kms", "http://10.0.0.5:8000",
                "--relay", "ws://10.0.0.5:8765"), Map.of());
        assertEquals(Path.of("/tmp/q"), o.home());
        assertEquals("http://10.0.0.5:8000/", o.kmsUrl().toString());
        assertEquals("http://10.0.0.5:8765/", o.relayUrl().toString(), "a ws:// relay address is read over http for /stats");
    }

    @Test
    void defaultsComeFromTheEnvironmentAndTheDesign() throws Exception {
        ConsoleOptions o = ConsoleOptions.parse(List.of(), Map.of("QSTCS_HOME", "/srv/qstcs"));
        assertEquals(Path.of("/srv/qstcs"), o.home());
        assertEquals("https://127.0.0.1:8443/", o.kmsUrl().toString(), "operator routes are TLS-only");
        assertEquals("http://127.0.0.1:8765/", o.relayUrl().toString());
    }

    @Test
    void badInputIsAOneLineMessage() {
        var unknown = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kmz", "x"), Map.of()));
        assertTrue(unknown.getMessage().contains("--kmz"));
        var missing = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kms"), Map.of()));
        assertTrue(missing.getMessage().contains("--kms needs a value"));
        var badUrl = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kms", "localhost:8000"), Map.of()));
        assertTrue(badUrl.getMessage().contains("'localhost:8000'"));
        assertThrows(ConsoleOptions.HelpRequested.class, () -> ConsoleOptions.parse(List.of("--help"), Map.of()));
        assertTrue(ConsoleOptions.USAGE.contains("classical simulation"), "--help states the link is simulated");
    }

    @Test
    void operatorTokenComesFromTheEnvironmentFirstThenTheStateFileAndIsNeverPrinted(@TempDir Path home) throws Exception {
        assertTrue(OperatorToken.load(home, Map.of()).isEmpty());
        Files.createDirectories(home.resolve("kms"));
        Files.writeString(home.resolve("kms/operator.token"), "file-secret-123\n");
        OperatorToken fromFile = OperatorToken.load(home, Map.of()).orElseThrow();
        assertEquals("Bearer file-secret-123", fromFile.authorizationHeader());
        assertFalse(fromFile.toString().contains("file-secret"));
        OperatorToken fromEnv = OperatorToken.load(home, Map.of(OperatorToken.ENV, "env-secret")).orElseThrow();
        assertEquals("Bearer env-secret", fromEnv.authorizationHeader());
    }

    @Test
    void auditSeverityFollowsTheKmsOrTheEventType() {
        assertEquals(AuditEntry.Severity.CRITICAL, AuditEntry.severityOf("", "breach"));
        assertEquals(AuditEntry.Severity.CRITICAL, AuditEntry.severityOf("", "key_revoked"));
        assertEquals(AuditEntry.Severity.WARNING, AuditEntry.severityOf("", "eve_changed eavesdropper ON"));
        assertEquals(AuditEntry.Severity.INFO, AuditEntry.severityOf("", "server_started rounds every 500 ms"));
        assertEquals(AuditEntry.Severity.CRITICAL, AuditEntry.severityOf("", "status_changed GREEN -> RED (forced)"));
        assertEquals(AuditEntry.Severity.INFO, AuditEntry.severityOf("", "key_issued"));
        assertEquals(AuditEntry.Severity.WARNING, AuditEntry.severityOf("warning", "key_issued"));
    }
}
