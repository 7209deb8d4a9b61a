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
            0.0001, 1234.56, 8192, Instant.parse("2026-12-03T22:00:00.123Z"), 0, "link_red", 4);
    private static final LinkStatus NO_KEY_ZONE = new LinkStatus(LinkColour.YELLOW, 0.072, 12, 3, 0, 2, false, 0, 9, 50,
            0.072, 0, 3072, Instant.parse("2026-12-03T22:00:00Z"), 0, "finite_key", 2);

    @Test
    void writesTheWireShapeWithStatusFirst() {
        assertEquals("{\"status\":\"RED\",\"qber\":0.251235,\"total_keys_issued\":12,\"total_sessions\":3,"
                + "\"attacks_detected\":1,\"active_sessions\":0,\"eve_active\":true,\"version\":7,\"round\":42,"
                + "\"last_round_qber\":1.0E-4,\"key_rate_bps\":1235,\"pool_bits\":8192,"
                + "\"changed_at\":\"2026-12-03T22:00:00.123Z\",\"eve_intercept_rate\":1.0,\"key_bits\":0,"
                + "\"reason\":\"link_red\",\"breaches_total\":4}", RED.toJson());
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
        assertEquals("link_red", back.reason());
        assertEquals(1, back.attacksDetected());
        assertEquals(4, back.breachesTotal(), "the cumulative count travels beside the since-reset one");
    }

    @Test
    void aKmsWithoutTheCumulativeCountReadsAsItsSinceResetCount() {
        LinkStatus s = LinkStatus.parse("{\"status\":\"RED\",\"qber\":0.25,\"attacks_detected\":2}");
        assertEquals(2, s.attacksDetected());
        assertEquals(2, s.breachesTotal());
    }

    @Test
    void theNoKeyZoneReadsBackWithItsReason() {
        LinkStatus back = LinkStatus.parse(NO_KEY_ZONE.toJson());
        assertEquals(LinkColour.YELLOW, back.status());
        assertEquals(0, back.keyBits());
        assertEquals("finite_key", back.reason());
        assertEquals(3072, back.poolBits());
        assertEquals(NO_KEY_ZONE, back);
    }

    @Test
    void aMinimalObjectReadsWithDefaultsAndUnknownFieldsAreIgnored() {
        LinkStatus s = LinkStatus.parse("{\"status\":\"GREEN\",\"qber\":0.01,\"later_field\":\"x\"}");
        assertEquals(LinkColour.GREEN, s.status());
        assertEquals(0.01, s.lastRoundQber(), "last_round_qber falls back to qber");
        assertFalse(s.hasVersion());
        assertEquals(Instant.EPOCH, s.changedAt());
        assertEquals(0, s.keyBits());
        assertEquals(LinkStatus.NO_REASON, s.reason(), "a KMS without the field reads as none");
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
