package qstcs.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javafx.geometry.Rectangle2D;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's window placement from a screen's visual bounds: inside them, never overlapping. */
class DemoLayoutTest {

    @ParameterizedTest(name = "{0}x{1} from {2},{3} → {4}")
    @CsvSource({
        "1366, 768, 0, 0, PRESENTER",       // the usual laptop
        "1366, 741, 0, 27, PRESENTER",      // the same with a top panel
        "1280, 800, 0, 0, PRESENTER",
        "1920, 1080, 0, 0, WINDOWS",
        "1920, 1040, 0, 40, WINDOWS",       // a taskbar
        "1707, 960, 0, 0, WINDOWS",         // 2560x1440 at 150 % (logical pixels)
        "3840, 2160, 0, 0, WINDOWS",        // 4K at 100 %
        "1920, 1080, 1920, 0, WINDOWS",     // the second screen of two
    })
    void placesEveryWindowInsideTheScreenWithoutOverlap(double w, double h, double x, double y, DemoLayout.Layout expected) {
        Rectangle2D visual = new Rectangle2D(x, y, w, h);
        assertEquals(expected, DemoLayout.choose(visual));
        for (DemoLayout.Layout layout : DemoLayout.Layout.values()) {
            DemoLayout.Slot[] slots = layout == DemoLayout.Layout.PRESENTER ? new DemoLayout.Slot[] {DemoLayout.Slot.PRESENTER}
                    : new DemoLayout.Slot[] {DemoLayout.Slot.CONSOLE, DemoLayout.Slot.CHAT_ALPHA, DemoLayout.Slot.CHAT_BRAVO};
            Rectangle2D[] placed = new Rectangle2D[slots.length];
            for (int i = 0; i < slots.length; i++) {
                WindowPlacement p = DemoLayout.place(slots[i], visual);
                placed[i] = new Rectangle2D(p.x(), p.y(), p.width(), p.height());
                assertTrue(visual.contains(placed[i]), slots[i] + " " + placed[i] + " lies inside " + visual);
                for (int j = 0; j < i; j++) {
                    assertFalse(placed[i].intersects(placed[j]), slots[i] + " overlaps " + slots[j]);
                }
            }
            if (layout == expected && layout == DemoLayout.Layout.WINDOWS) {
                assertTrue(placed[0].getWidth() >= DemoLayout.CONSOLE_MIN_WIDTH, "the console gets the width it needs");
                assertTrue(placed[1].getWidth() >= DemoLayout.CHAT_MIN_WIDTH && placed[1].getHeight() >= DemoLayout.CHAT_MIN_HEIGHT);
            }
        }
    }
}
