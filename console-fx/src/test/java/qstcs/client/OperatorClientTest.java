package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator side of the SDK without a server: where the token comes from, how audit entries read. */
class OperatorClientTest {
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
