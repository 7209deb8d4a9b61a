package qstcs.fx;

import java.util.Optional;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * Where a window should appear: {@code -Dqstcs.window=X,Y,W,H} (pixels) when given, else the slot
 * {@code ./qstcs demo} asked for with {@code -Dqstcs.demo.slot} ({@link DemoLayout}, worked out
 * from the real screen); without either a window keeps its own default placement.
 */
public record WindowPlacement(double x, double y, double width, double height) {
    public static final String PROPERTY = "qstcs.window";

    public WindowPlacement {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("window size must be positive, got " + width + "x" + height);
        }
    }

    /** Parses {@code X,Y,W,H}; a malformed value is reported and ignored rather than stopping the app. */
    public static Optional<WindowPlacement> parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return Optional.empty();
        }
        String[] parts = spec.split(",");
        if (parts.length != 4) {
            System.err.println("ignoring -D" + PROPERTY + "=" + spec + ": expected X,Y,W,H");
            return Optional.empty();
        }
        try {
            return Optional.of(new WindowPlacement(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()), Double.parseDouble(parts[3].trim())));
        } catch (IllegalArgumentException e) {
            System.err.println("ignoring -D" + PROPERTY + "=" + spec + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The placement the launcher asked for, if any. */
    public static Optional<WindowPlacement> fromSystemProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    /**
     * Applies the requested placement (if any) to a stage before it is shown; {@code -Dqstcs.window}
     * wins. A placement smaller than the stage's minimum size (a small screen) lowers the minimum,
     * so the window stays where it was put instead of growing off the screen.
     */
    public static void applyRequested(Stage stage) {
        requested(Screen.getPrimary().getVisualBounds()).ifPresent(p -> {
            stage.setMinWidth(Math.min(stage.getMinWidth(), p.width()));
            stage.setMinHeight(Math.min(stage.getMinHeight(), p.height()));
            p.applyTo(stage);
        });
    }

    /** What {@link #applyRequested} applies on a screen with these visual bounds. */
    public static Optional<WindowPlacement> requested(Rectangle2D visual) {
        Optional<WindowPlacement> explicit = fromSystemProperty();
        if (explicit.isPresent()) {
            return explicit;
        }
        return DemoLayout.requestedSlot().map(slot -> DemoLayout.place(slot, visual));
    }

    public void applyTo(Stage stage) {
        stage.setX(x);
        stage.setY(y);
        stage.setWidth(width);
        stage.setHeight(height);
    }
}
