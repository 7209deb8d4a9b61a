package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LowerHexTest {

    @Test
    void agreesWithTheJdkOnRandomBytes() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n = 0; n < 300; n++) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            String hex = LowerHex.encode(b);
            assertEquals(HexFormat.of().formatHex(b), hex);
            assertArrayEquals(b, LowerHex.decode(hex));
        }
    }

    @Test
    void refusesEverythingButLowerCaseDigitsAndNamesThePosition() {
        for (char ch : HeaderFieldsTest.SAMPLE_CHARS.toCharArray()) {
            boolean valid = ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f';
            String s = "00" + ch + "0";
            if (valid) {
                assertEquals(2, LowerHex.decode(s).length);
            } else {
                MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> LowerHex.decode(s), s);
                assertEquals("hex character 2 is not a lower-case hex digit", e.getMessage());
            }
        }
        assertThrows(MalformedFrameException.class, () -> LowerHex.decode("abc"));
        assertThrows(MalformedFrameException.class, () -> LowerHex.decode("a\ud83d\ude00b"));
        assertEquals(0, LowerHex.decode("").length);
    }
}
