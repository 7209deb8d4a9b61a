package qstcs.chat;

import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import qstcs.crypto.link.LinkColour;

/**
 * The bottom bar: link lamp and words, QBER, short key id, PQC on/off, and the honesty caption.
 * Everything comes from the model's one {@link ChatStatus}; what the key service can no longer
 * confirm is greyed ({@code :stale}) and says "last known".
 */
final class StatusBar extends HBox {
    private static final PseudoClass UNKNOWN = PseudoClass.getPseudoClass("unknown");
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");
    private static final PseudoClass NO_KEYS = PseudoClass.getPseudoClass("no-keys");

    private static final double LINK_MIN_WIDTH = 160;
    private final Label caption;

    StatusBar(ChatModel model) {
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);

        Circle lamp = new Circle(6);
        lamp.setId("link-lamp");
        lamp.getStyleClass().add("lamp");
        Label link = new Label();
        link.setId("link-text");
        // The link words may be long (the no-key zone): they wrap rather than push QBER and key id
        // out, but short words ("Link GREEN") keep no more room than they need.
        link.setWrapText(true);
        link.minWidthProperty().bind(javafx.beans.binding.Bindings.createDoubleBinding(
                () -> Math.min(LINK_MIN_WIDTH, link.prefWidth(-1)), link.textProperty(), link.fontProperty()));
        HBox.setHgrow(link, Priority.SOMETIMES);

        Label qber = new Label();
        qber.setId("qber");

        Label key = new Label();
        key.setId("key-id");
        key.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> model.keyIdProperty().get().isEmpty()
                ? "no key" : "key " + model.keyIdProperty().get(), model.keyIdProperty()));

        Label pqc = new Label();
        pqc.setId("pqc-state");
        pqc.textProperty().bind(javafx.beans.binding.Bindings.when(model.pqcProperty()).then("PQC on").otherwise("PQC off"));

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label caption = new Label("simulated quantum link");
        caption.getStyleClass().add("caption");

        for (Label l : new Label[] {qber, key, pqc}) {
            l.getStyleClass().add("status-item");
        }
        // Narrow (a chat docked beside the console) the caption goes first, whole (see
        // layoutChildren), then the key id and PQC state shorten with an ellipsis; the link words
        // and the QBER always stay whole.
        this.caption = caption;
        qber.setMinWidth(Region.USE_PREF_SIZE);
        key.setMinWidth(0);
        pqc.setMinWidth(0);
        getChildren().addAll(lamp, link, qber, key, pqc, spacer, caption);
        model.statusProperty().addListener((o, was, now) -> show(now, lamp, link, qber));
        show(model.statusProperty().get(), lamp, link, qber);
    }

    /** The caption is shown only where everything fits beside it, never cut to "simu…". */
    @Override
    protected void layoutChildren() {
        double need = snappedLeftInset() + snappedRightInset() + getSpacing() * (getChildren().size() - 1);
        for (javafx.scene.Node n : getChildren()) {
            need += n.prefWidth(-1);
        }
        boolean fits = getWidth() >= need;
        if (caption.isManaged() != fits) {
            caption.setManaged(fits);
            caption.setVisible(fits);
        }
        super.layoutChildren();
    }

    /** The colour as a pseudo-class ({@code :green}, {@code :yellow}, {@code :red}; {@code :unknown} before the first reading). */
    private static void show(ChatStatus s, Circle lamp, Label link, Label qber) {
        link.setText(s.linkText());
        qber.setText(s.qberText());
        LinkColour c = s.colour();
        for (LinkColour each : LinkColour.values()) {
            PseudoClass pc = PseudoClass.getPseudoClass(each.name().toLowerCase(java.util.Locale.ROOT));
            lamp.pseudoClassStateChanged(pc, each == c);
            link.pseudoClassStateChanged(pc, each == c);
        }
        for (javafx.scene.Node n : new javafx.scene.Node[] {lamp, link, qber}) {
            n.pseudoClassStateChanged(UNKNOWN, c == null);
            n.pseudoClassStateChanged(STALE, s.linkStale());
        }
        link.pseudoClassStateChanged(NO_KEYS, s.noKeyZone());
    }
}
