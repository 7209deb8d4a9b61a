package qstcs.fx;

import java.util.Optional;
import javafx.stage.Stage;

/**
 * Where a window should appear, as asked by the launcher with {@code -Dqstcs.window=X,Y,W,H}
 * (pixels). {@code ./qstcs demo} uses it to lay the console and two chat windows side by side
 * on one 1920×1080 screen; without the property a window keeps its own default placement.
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

    /** Applies the requested placement (if any) to a stage before it is shown. */
    public static void applyRequested(Stage stage) {
        fromSystemProperty().ifPresent(p -> p.applyTo(stage));
    }

    public void applyTo(Stage stage) {
        stage.setX(x);
        stage.setY(y);
        stage.setWidth(width);
        stage.setHeight(height);
    }
}
