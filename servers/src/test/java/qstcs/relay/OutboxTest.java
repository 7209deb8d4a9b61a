package qstcs.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The WebSocket framing of outgoing text (RFC 6455 §5.2), for ASCII and non-ASCII text, all length forms. */
class OutboxTest {

    private static void assertFrame(String text) {
        byte[] frame = Outbox.encode(text);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int len = payload.length;
        assertEquals((byte) 0x81, frame[0], "FIN + text opcode");
        int header;
        if (len < 126) {
            assertEquals(len, frame[1]);
            header = 2;
        } else if (len < 65536) {
            assertEquals(126, frame[1]);
            assertEquals(len, ((frame[2] & 0xff) << 8) | (frame[3] & 0xff));
            header = 4;
        } else {
            assertEquals(127, frame[1]);
            long l = 0;
            for (int i = 0; i < 8; i++) {
                l = (l << 8) | (frame[2 + i] & 0xff);
            }
            assertEquals(len, l);
            header = 10;
        }
        assertArrayEquals(payload, Arrays.copyOfRange(frame, header, frame.length));
    }

    @Test
    void encodesEveryLengthFormForAsciiAndUtf8() {
        for (String unit : new String[] {"a", "é", "€", "😀"}) {
            for (int n : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
                assertFrame("{" + unit.repeat(n) + "}");
            }
        }
    }
}
