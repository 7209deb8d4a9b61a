package qstcs.chat;

import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** A contact row: avatar with presence dot, name, last line, unread badge. */
final class ContactCell extends ListCell<Contact> {
    private static final PseudoClass ONLINE = PseudoClass.getPseudoClass("online");

    private final Avatar avatar = new Avatar("?");
    private final Region dot = new Region();
    private final Label name = new Label();
    private final Label last = new Label();
    private final Label unread = new Label();
    private final HBox row;
    private final javafx.beans.value.ChangeListener<Boolean> presence = (o, was, now) -> pseudoClassStateChanged(ONLINE, now);
    private Contact shown;

    ContactCell() {
        getStyleClass().add("contact-cell");
        dot.getStyleClass().add("presence-dot");
        StackPane face = new StackPane(avatar, dot);
        StackPane.setAlignment(dot, javafx.geometry.Pos.BOTTOM_RIGHT);
        name.getStyleClass().add("contact-name");
        name.setWrapText(true);
        last.getStyleClass().add("contact-last");
        unread.getStyleClass().add("unread-badge");
        VBox text = new VBox(name, last);
        text.getStyleClass().add("contact-text");
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMinWidth(0);
        row = new HBox(face, text, unread);
        row.getStyleClass().add("contact-row");
        // Let the list decide the width: long last lines are cut with an ellipsis, not scrolled.
        setPrefWidth(0);
    }

    @Override
    protected void updateItem(Contact c, boolean empty) {
        super.updateItem(c, empty);
        name.textProperty().unbind();
        last.textProperty().unbind();
        unread.textProperty().unbind();
        unread.visibleProperty().unbind();
        if (shown != null) {
            shown.onlineProperty().removeListener(presence);
            shown = null;
        }
        if (empty || c == null) {
            setGraphic(null);
            pseudoClassStateChanged(ONLINE, false);
            return;
        }
        avatar.show(c.deviceId());
        name.setText(c.deviceId());
        // Long ids wrap rather than end in "…"; the tooltip names the device in full either way.
        setTooltip(new javafx.scene.control.Tooltip(c.deviceId()));
        last.textProperty().bind(Bindings.when(Bindings.isEmpty(c.lastLineProperty()))
                .then(Bindings.when(c.onlineProperty()).then("online").otherwise("offline"))
                .otherwise(c.lastLineProperty()));
        unread.textProperty().bind(c.unreadProperty().asString());
        unread.visibleProperty().bind(c.unreadProperty().greaterThan(0));
        shown = c;
        c.onlineProperty().addListener(presence);
        pseudoClassStateChanged(ONLINE, c.onlineProperty().get());
        setGraphic(row);
    }
}
