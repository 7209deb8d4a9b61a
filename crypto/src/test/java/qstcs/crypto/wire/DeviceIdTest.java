package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
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
        for (char c : HeaderFieldsTest.SAMPLE_CHARS.toCharArray()) {
            agree(String.valueOf(c));
            agree("a" + c);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        String alphabet = "aZ09_.-:>* /\u00e9";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(70);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            agree(sb.toString());
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

    private static void agree(String v) {
        assertEquals(DeviceId.PATTERN.matcher(v).matches(), DeviceId.isValid(v), v);
    }
}
