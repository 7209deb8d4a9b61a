package qstcs.fx;

import java.util.Locale;
import java.util.Optional;
import javafx.geometry.Rectangle2D;

/**
 * Where {@code ./qstcs demo} puts its windows, worked out from the screen's visual bounds (the
 * part not taken by panels and docks, in the logical pixels JavaFX uses, so HiDPI scaling is
 * already applied). Two layouts: WINDOWS (console on the left, the two chats stacked on the
 * right) for screens wide and tall enough, PRESENTER (one window: the console with both chats
 * docked) otherwise. Pure arithmetic; the windows ask for their slot with {@code -Dqstcs.demo.slot}.
 */
public final class DemoLayout {
    public static final String SLOT_PROPERTY = "qstcs.demo.slot";
    /** The console needs this much width to show its tile grid and side column. */
    public static final double CONSOLE_MIN_WIDTH = 1000;
    public static final double CHAT_MIN_WIDTH = 560;
    public static final double CHAT_MIN_HEIGHT = 400;
    static final double GAP = 8;
    static final double FRAME_SLACK = 32;

    /** How the demo arranges its windows. */
    public enum Layout { WINDOWS, PRESENTER }

    /** A window of the demo. */
    public enum Slot { CONSOLE, CHAT_ALPHA, CHAT_BRAVO, PRESENTER }

    private DemoLayout() {
    }

    /** WINDOWS when a console and two stacked chats fit side by side at their minimum sizes, else PRESENTER. */
    public static Layout choose(Rectangle2D visual) {
        boolean fits = visual.getWidth() >= CONSOLE_MIN_WIDTH + GAP + CHAT_MIN_WIDTH + 40
                && visual.getHeight() >= 2 * CHAT_MIN_HEIGHT + GAP + FRAME_SLACK;
        return fits ? Layout.WINDOWS : Layout.PRESENTER;
    }

    /** The outer bounds (title bar included) of {@code slot} within {@code visual}; always inside it. */
    public static WindowPlacement place(Slot slot, Rectangle2D visual) {
        double x = visual.getMinX();
        double y = visual.getMinY();
        double w = visual.getWidth();
        double h = visual.getHeight();
        // 60 % for the console, but never less than it needs while the chats keep theirs; on a
        // screen too small for both (WINDOWS forced there) the shares win, so all stays on screen.
        double consoleWidth = Math.floor((w - GAP) * 0.6);
        if (consoleWidth < CONSOLE_MIN_WIDTH && w - GAP - CONSOLE_MIN_WIDTH >= CHAT_MIN_WIDTH) {
            consoleWidth = CONSOLE_MIN_WIDTH;
        }
        double chatWidth = w - GAP - consoleWidth;
        // Slack for the window manager's frames: a window whose frame would cross the screen's
        // bottom edge is pushed up over its neighbour.
        double chatHeight = Math.floor((h - GAP - FRAME_SLACK) / 2);
        return switch (slot) {
            case PRESENTER -> new WindowPlacement(x, y, w, h);
            case CONSOLE -> new WindowPlacement(x, y, consoleWidth, h);
            case CHAT_ALPHA -> new WindowPlacement(x + consoleWidth + GAP, y, chatWidth, chatHeight);
            case CHAT_BRAVO -> new WindowPlacement(x + consoleWidth + GAP, y + chatHeight + GAP, chatWidth, chatHeight);
        };
    }

    /** The slot the launcher asked for with {@code -Dqstcs.demo.slot=console|chat-alpha|chat-bravo|presenter}. */
    public static Optional<Slot> requestedSlot() {
        String s = System.getProperty(SLOT_PROPERTY);
        if (s == null || s.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Slot.valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            System.err.println("ignoring -D" + SLOT_PROPERTY + "=" + s + ": expected console, chat-alpha, chat-bravo or presenter");
            return Optional.empty();
        }
    }
}
