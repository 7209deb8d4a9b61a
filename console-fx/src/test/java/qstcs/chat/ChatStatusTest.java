package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import qstcs.client.ConnectionState;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

/** The one derivation every badge and status line uses: it never claims what it cannot confirm. */
class ChatStatusTest {
    private static LinkStatus reading(LinkColour c, double qber, long keyBits, String reason) {
        return new LinkStatus(c, qber, 0, 0, 0, 0, false, 0, 1, 1, qber, 0, 0, Instant.EPOCH, keyBits, reason, 0);
    }

    private static final LinkStatus GREEN = reading(LinkColour.GREEN, 0.011, 4096, LinkStatus.NO_REASON);

    @Test
    void allWellSaysEncrypted() {
        ChatStatus s = new ChatStatus(ConnectionState.ONLINE, GREEN, true, true, false, -1);
        assertEquals("online · encrypted", s.connectionText());
        assertEquals("AES-256-GCM", s.badge());
        assertTrue(s.badgeCurrent());
        assertEquals("Link GREEN", s.linkText());
        assertEquals("QBER 1.1 %", s.qberText());
    }

    @Test
    void noKeyMeansNoCipherBadgeAndNoEncryptedClaim() {
        ChatStatus s = new ChatStatus(ConnectionState.ONLINE, GREEN, true, false, false, -1);
        assertEquals("no key", s.badge());
        assertFalse(s.badgeCurrent());
        assertEquals("online · no key yet", s.connectionText());
    }

    @Test
    void aKeyServiceThatStoppedAnsweringMakesTheLinkStaleNotGreen() {
        ChatStatus s = new ChatStatus(ConnectionState.ONLINE, GREEN, false, true, false, -1);
        assertTrue(s.linkStale());
        assertEquals("Link GREEN (last known) — key service unreachable", s.linkText());
        assertEquals("online · encrypted · key service unreachable", s.connectionText());
    }

    @Test
    void aRedLinkIsNeverShownAsEncrypted() {
        ChatStatus s = new ChatStatus(ConnectionState.ONLINE, reading(LinkColour.RED, 0.25, 0, "link_red"), true,
                true, false, -1);
        assertFalse(s.badgeCurrent());
        assertFalse(s.connectionText().contains("encrypted"));
    }

    @Test
    void theNoKeyZoneIsSaidInWords() {
        ChatStatus s = new ChatStatus(ConnectionState.ONLINE, reading(LinkColour.YELLOW, 0.07, 0, "finite_key"), true,
                true, false, -1);
        assertEquals("Link YELLOW — no new keys (QBER too high for a secure key); not an attack", s.linkText());
        assertEquals("Link YELLOW", new ChatStatus(ConnectionState.ONLINE, reading(LinkColour.YELLOW, 0.07, 512,
                LinkStatus.NO_REASON), true, true, false, -1).linkText());
    }

    @Test
    void aStartUpOutageShowsTheCountdown() {
        ChatStatus s = new ChatStatus(ConnectionState.CONNECTING, null, false, false, false, 4);
        assertEquals("key service unreachable · retry in 4 s", s.connectionText());
        assertEquals("Link UNKNOWN — key service unreachable", s.linkText());
        assertEquals("relay unreachable · retry in 2 s",
                new ChatStatus(ConnectionState.CONNECTING, GREEN, true, true, false, 2).connectionText());
    }
}
