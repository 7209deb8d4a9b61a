package qstcs.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class WindowPlacementTest {
    @Test
    void parsesFourNumbers() {
        assertEquals(Optional.of(new WindowPlacement(10, 20, 800, 600)), WindowPlacement.parse("10, 20,800,600"));
    }

    @Test
    void ignoresMissingOrMalformedSpecs() {
        assertTrue(WindowPlacement.parse(null).isEmpty());
        assertTrue(WindowPlacement.parse("").isEmpty());
        assertTrue(WindowPlacement.parse("1,2,3").isEmpty());
        assertTrue(WindowPlacement.parse("a,b,c,d").isEmpty());
        assertTrue(WindowPlacement.parse("0,0,0,600").isEmpty());
    }
}
