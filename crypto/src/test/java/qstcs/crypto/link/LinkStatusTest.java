package qstcs.crypto.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import qstcs.crypto.wire.MalformedFrameException;

class LinkStatusTest {

    private static final LinkStatus RED = new LinkStatus(LinkColour.RED, 0.2512345678, 12, 3, 1, 0, true, 1.0, 7, 42,
            0.0001, 1234.56, 8192, Instant.parse("2026-12-03T22:00:00.123Z"));

    @Test
    void writesTheWireShapeWithStatusFirst() {
        assertEquals("{\"status\":\"RED\",\"qber\":0.251235,\"total_keys_issued\":12,\"total_sessions\":3,"
                + "\"attacks_detected\":1,\"active_sessions\":0,\"eve_active\":true,\"version\":7,\"round\":42,"
                + "\"last_round_qber\":1.0E-4,\"key_rate_bps\":1235,\"pool_bits\":8192,"
                + "\"changed_at\":\"2026-12-03T22:00:00.123Z\",\"eve_intercept_rate\":1.0}", RED.toJson());
    }

    @Test
    void readsWhatItWrites() {
        LinkStatus back = LinkStatus.parse(RED.toJson());
        assertEquals(LinkColour.RED, back.status());
        assertEquals(0.251235, back.qber());
        assertEquals(1.0E-4, back.lastRoundQber());
        assertEquals(7, back.version());
        assertEquals(8192, back.poolBits());
        assertEquals(RED.changedAt(), back.changedAt());
        assertTrue(back.eveActive());
        assertEquals(1235, back.keyRateBps());
    }

    @Test
    void aMinimalObjectReadsWithDefaultsAndUnknownFieldsAreIgnored() {
        LinkStatus s = LinkStatus.parse("{\"status\":\"GREEN\",\"qber\":0.01,\"later_field\":\"x\"}");
        assertEquals(LinkColour.GREEN, s.status());
        assertEquals(0.01, s.lastRoundQber(), "last_round_qber falls back to qber");
        assertFalse(s.hasVersion());
        assertEquals(Instant.EPOCH, s.changedAt());
    }

    @Test
    void refusesWhatIsNoLinkStatus() {
        for (String bad : new String[] {"", "[]", "{}", "{\"status\":\"BLUE\"}", "{\"status\":1}",
                "{\"status\":\"RED\",\"qber\":\"x\"}", "{\"status\":\"RED\",\"qber\":1.}", "{\"status\":\"RED\",\"qber\":1e999}",
                "{\"status\":\"RED\",\"changed_at\":\"yesterday\"}", "{\"status\":\"RED\",\"version\":1.5}"}) {
            assertThrows(MalformedFrameException.class, () -> LinkStatus.parse(bad), bad);
        }
    }
}
