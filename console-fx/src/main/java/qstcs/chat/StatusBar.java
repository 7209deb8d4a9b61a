package qstcs.chat;

import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import qstcs.crypto.link.LinkColour;

/** The bottom bar: link lamp and colour, QBER, short key id, PQC on/off, and the honesty caption. */
final class StatusBar extends HBox {
    private static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");

    StatusBar(ChatModel model) {
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);

        Circle lamp = new Circle(6);
        lamp.setId("link-lamp");
        lamp.getStyleClass().add("lamp");
        Label link = new Label();
        link.setId("link-text");
        link.textProperty().bind(Bindings.createStringBinding(
                () -> "Link " + Objects.requireNonNullElse(model.linkColorProperty().get(), "UNKNOWN"),
                model.linkColorProperty()));
        model.linkColorProperty().addListener((o, was, now) -> showColor(lamp, link, now));
        showColor(lamp, link, model.linkColorProperty().get());

        Label qber = new Label();
        qber.setId("qber");
        qber.textProperty().bind(Bindings.createStringBinding(() -> {
            double q = model.qberProperty().get();
            return Double.isNaN(q) ? "QBER –" : String.format("QBER %.1f %%", q * 100);
        }, model.qberProperty()));

        Label key = new Label();
        key.setId("key-id");
        key.textProperty().bind(Bindings.createStringBinding(() -> model.keyIdProperty().get().isEmpty()
                ? "no key" : "key " + model.keyIdProperty().get(), model.keyIdProperty()));

        Label pqc = new Label();
        pqc.setId("pqc-state");
        pqc.textProperty().bind(Bindings.when(model.pqcProperty()).then("PQC on").otherwise("PQC off"));

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label caption = new Label("simulated quantum link");
        caption.getStyleClass().add("caption");

        for (Label l : new Label[] {qber, key, pqc}) {
            l.getStyleClass().add("status-item");
        }
        getChildren().addAll(lamp, link, qber, key, pqc, spacer, caption);
    }

    /** The colour as a pseudo-class ({@code :green}, {@code :yellow}, {@code :red}; {@code :unknown} before the first reading). */
    private static void showColor(Circle lamp, Label text, LinkColour c) {
        for (LinkColour each : LinkColour.values()) {
            PseudoClass pc = PseudoClass.getPseudoClass(each.name().toLowerCase(java.util.Locale.ROOT));
            lamp.pseudoClassStateChanged(pc, each == c);
            text.pseudoClassStateChanged(pc, each == c);
        }
        lamp.pseudoClassStateChanged(UNKNOWN, c == null);
        text.pseudoClassStateChanged(UNKNOWN, c == null);
    }
}
