package qstcs.crypto.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import qstcs.crypto.qkd.LinkRound;

class LinkColourTest {

    @Test
    void thresholdsAreFiveAndElevenPercentAndRedIsTheEnginesAbort() {
        assertEquals(LinkColour.GREEN, LinkColour.forQber(0.0));
        assertEquals(LinkColour.GREEN, LinkColour.forQber(0.0499));
        assertEquals(LinkColour.YELLOW, LinkColour.forQber(0.05));
        assertEquals(LinkColour.YELLOW, LinkColour.forQber(0.1099));
        assertEquals(LinkColour.RED, LinkColour.forQber(0.11));
        assertEquals(LinkColour.RED, LinkColour.forQber(0.25));
        assertEquals(LinkRound.ABORT_QBER, LinkColour.RED_QBER);
    }

    @Test
    void onlyRedStopsKeys() {
        assertTrue(LinkColour.GREEN.issuesKeys());
        assertTrue(LinkColour.YELLOW.issuesKeys());
        assertFalse(LinkColour.RED.issuesKeys());
    }

    @Test
    void parsesTheStatusFieldAndSaysWhenItIsNoColour() {
        assertEquals(Optional.of(LinkColour.RED), LinkColour.parse("RED"));
        assertEquals(Optional.of(LinkColour.YELLOW), LinkColour.parse("yellow"));
        assertEquals(Optional.empty(), LinkColour.parse("reset_complete"));
        assertEquals(Optional.empty(), LinkColour.parse(null));
    }
}
