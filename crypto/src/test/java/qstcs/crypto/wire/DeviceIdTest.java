package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceIdTest {

    @Test
    void theRuleOfTheProtocol() {
        for (String ok : new String[] {"a", "A.b-c_d", "Soldier_Alpha", "0", "x".repeat(64), "a_", "9-.-"}) {
            assertTrue(DeviceId.isValid(ok), ok);
            assertEquals(ok, DeviceId.of(ok).value());
        }
        for (String bad : new String[] {"", "_a", "-a", ".a", "x".repeat(65), "\u00e9", "a b", "a>b", "*",
                "_broadcast_", "a:b", "a/b"}) {
            assertFalse(DeviceId.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> DeviceId.of(bad), bad);
        }
        assertFalse(DeviceId.isValid(null));
    }

    @Test
    void theFastCheckAgreesWithThePattern() {
        for (String v : HeaderFieldsTest.samples(7)) {
            assertEquals(DeviceId.PATTERN.matcher(v).matches(), DeviceId.isValid(v), v);
        }
    }

    @Test
    void errorsSayWhatIsWrongWithoutRepeatingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceId.of("-secret"));
        assertEquals("device id must be " + DeviceId.RULE + " (character 0 must be a letter or digit)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceId.of("ab cd"));
        assertEquals("device id must be " + DeviceId.RULE + " (character 2 is not allowed)", e.getMessage());
        assertEquals("got 0 characters", DeviceId.problem(""));
        assertEquals("Soldier_Alpha", DeviceId.of("Soldier_Alpha").toString());
    }
}
