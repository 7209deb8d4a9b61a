package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import qstcs.client.AuditEntry;

class AuditWordingTest {
    @Test
    void wireKindsReadAsNames() {
        assertEquals("Link status changed", AuditWording.name("status_changed"));
        assertEquals("Alarm acknowledged", AuditWording.name("alarm_acknowledged"));
        assertEquals("Something new", AuditWording.name("something_new"), "unknown kinds are spelt out");
    }

    @Test
    void longDecimalsAreRoundedAndOtherNumbersKept() {
        assertEquals("QBER 0.21 at round 12, rate 0.5, key 4a3d9775", AuditWording.detail("QBER 0.21134 at round 12, rate 0.5, key 4a3d9775"));
        assertEquals("25.86 %", AuditWording.detail("25.8612 %"));
        assertEquals("version 1.2.345", AuditWording.detail("version 1.2.345"), "dotted versions are not numbers");
    }

    @Test
    void severityIsIconAndWord() {
        assertEquals("✖ Critical", AuditWording.severity(AuditEntry.Severity.CRITICAL));
        assertEquals("▲ Warning", AuditWording.severity(AuditEntry.Severity.WARNING));
    }
}
