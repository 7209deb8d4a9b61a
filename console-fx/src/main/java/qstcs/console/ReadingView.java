package qstcs.console;

import java.time.Instant;
import java.time.ZoneId;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * One figure on the dashboard with its unit, what it means, and its age: "—" until a value
 * arrives, greyed with "last update HH:MM:SS" once its source goes quiet ({@code :stale},
 * {@code :never} pseudo-classes). The figure and the unit are separate labels so they never run together.
 */
final class ReadingView extends VBox {
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");
    private static final PseudoClass NEVER = PseudoClass.getPseudoClass("never");

    final Label value = new Label(ValueAge.MISSING);
    final Label unit = new Label();
    final Label description = new Label();
    final Label age = new Label();

    ReadingView(String unitText, String descriptionText) {
        getStyleClass().add("reading");
        value.getStyleClass().add("reading-value");
        unit.getStyleClass().add("reading-unit");
        unit.setText(unitText);
        description.getStyleClass().add("reading-description");
        description.setText(descriptionText);
        description.setWrapText(true);
        age.getStyleClass().add("reading-age");
        HBox figure = new HBox(6, value, unit);
        figure.setAlignment(Pos.BASELINE_LEFT);
        setSpacing(4);
        getChildren().addAll(figure, description, age);
        show(null, ValueAge.NEVER, null);
    }

    /** Shows {@code text} (ignored unless a value was received) with the age of its source. */
    void show(String text, ValueAge state, Instant receivedAt) {
        value.setText(state == ValueAge.NEVER || text == null ? ValueAge.MISSING : text);
        age.setText(state == ValueAge.STALE && receivedAt != null ? ValueAge.lastUpdate(receivedAt, ZoneId.systemDefault())
                : state == ValueAge.NEVER ? "no reading yet" : "");
        pseudoClassStateChanged(STALE, state == ValueAge.STALE);
        pseudoClassStateChanged(NEVER, state == ValueAge.NEVER);
    }

    void describe(String text) {
        description.setText(text);
    }
}
