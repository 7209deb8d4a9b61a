package qstcs.chat;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.beans.value.ChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import qstcs.client.DeliveryState;

/**
 * A message bubble: text, time and, for outgoing messages, the delivery ticks (… sent, ✓ relayed,
 * ✓✓ delivered), "held" while the link is compromised, "re-securing" while it goes again under a
 * new key, and "not sent" with Retry and Delete when it failed. Outgoing bubbles sit on the right.
 * The text can be selected with the mouse ({@link SelectableText}).
 */
final class BubbleCell extends ListCell<MessageItem> {
    private static final PseudoClass OUTGOING = PseudoClass.getPseudoClass("outgoing");
    private static final PseudoClass HELD = PseudoClass.getPseudoClass("held");
    private static final PseudoClass DELIVERED = PseudoClass.getPseudoClass("delivered");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final SelectableText text;
    private final Label time = new Label();
    private final Label ticks = new Label();
    private final VBox bubble;
    private final HBox row;
    private final ChangeListener<DeliveryState> delivery = (o, was, now) -> showDelivery(now);
    private MessageItem shown;
    private static final java.util.function.Function<java.time.Instant, java.time.LocalDate> DAY_OF =
            t -> t.atZone(ZoneId.systemDefault()).toLocalDate();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy");
    private final Label day = new Label();
    private final VBox cell;

    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    private final HBox failedActions;

    /** @param onSelect told when the user starts selecting text in this bubble (one selection in the list at a time) */
    BubbleCell(ListView<MessageItem> list, ChatModel model, java.util.function.Consumer<SelectableText> onSelect) {
        getStyleClass().add("bubble-cell");
        text = new SelectableText(onSelect);
        text.getStyleClass().add("bubble-text");
        time.getStyleClass().add("bubble-time");
        ticks.getStyleClass().add("ticks");
        HBox meta = new HBox(time, ticks);
        meta.getStyleClass().add("bubble-meta");
        meta.setAlignment(Pos.CENTER_RIGHT);
        Button retry = new Button("Retry");
        retry.getStyleClass().add("bubble-action");
        retry.setOnAction(e -> {
            if (getItem() != null) {
                model.retry(getItem());
            }
        });
        Button delete = new Button("Delete");
        delete.getStyleClass().add("bubble-action");
        delete.setOnAction(e -> {
            if (getItem() != null) {
                model.delete(getItem());
            }
        });
        failedActions = new HBox(retry, delete);
        failedActions.getStyleClass().add("failed-actions");
        failedActions.setAlignment(Pos.CENTER_RIGHT);
        bubble = new VBox(text, meta, failedActions);
        bubble.getStyleClass().add("bubble");
        // Bubbles take at most ~70 % of the conversation width, like any messenger.
        bubble.maxWidthProperty().bind(list.widthProperty().multiply(0.7));
        bubble.setMaxHeight(USE_PREF_SIZE);
        row = new HBox(bubble);
        row.getStyleClass().add("bubble-row");
        day.getStyleClass().add("day-separator");
        day.setMaxWidth(Double.MAX_VALUE);
        day.setAlignment(Pos.CENTER);
        cell = new VBox(day, row);
        setPrefWidth(0);
        MenuItem copySelection = new MenuItem("Copy selection");
        copySelection.setOnAction(e -> copy(text.selectedText()));
        MenuItem copy = new MenuItem("Copy text");
        copy.setOnAction(e -> copyText(getItem()));
        ContextMenu menu = new ContextMenu(copySelection, copy);
        menu.setOnShowing(e -> copySelection.setDisable(!text.hasSelection()));
        setContextMenu(menu);
    }

    @Override
    protected void updateItem(MessageItem m, boolean empty) {
        super.updateItem(m, empty);
        if (shown != null) {
            shown.deliveryProperty().removeListener(delivery);
            shown = null;
        }
        if (empty || m == null) {
            setGraphic(null);
            return;
        }
        text.setText(m.text());
        // A date line above the first message of each day, as messengers do.
        int i = getIndex();
        boolean firstOfDay = i <= 0 || i >= getListView().getItems().size()
                || !DAY_OF.apply(getListView().getItems().get(i - 1).time()).equals(DAY_OF.apply(m.time()));
        day.setText(firstOfDay ? dayText(m.time()) : "");
        day.setVisible(firstOfDay);
        day.setManaged(firstOfDay);
        time.setText(TIME.format(m.time()));
        row.setAlignment(m.outgoing() ? Pos.CENTER_RIGHT : Pos.CENTER_LEFT);
        pseudoClassStateChanged(OUTGOING, m.outgoing());
        ticks.setVisible(m.outgoing());
        ticks.setManaged(m.outgoing());
        if (m.outgoing()) {
            shown = m;
            m.deliveryProperty().addListener(delivery);
        }
        showDelivery(m.outgoing() ? m.delivery() : null);
        setGraphic(cell);
    }

    /** "Today", "Yesterday" or the date, in the reader's time zone. */
    static String dayText(java.time.Instant t) {
        java.time.LocalDate d = DAY_OF.apply(t);
        java.time.LocalDate today = java.time.LocalDate.now(ZoneId.systemDefault());
        if (d.equals(today)) {
            return "Today";
        }
        if (d.equals(today.minusDays(1))) {
            return "Yesterday";
        }
        return DAY.format(d);
    }

    /** Puts a message's text on the clipboard (the context menu, or Ctrl+C on the selected message). */
    static void copyText(MessageItem m) {
        if (m != null) {
            copy(m.text());
        }
    }

    static void copy(String s) {
        ClipboardContent c = new ClipboardContent();
        c.putString(s);
        Clipboard.getSystemClipboard().setContent(c);
    }

    private void showDelivery(DeliveryState s) {
        ticks.setText(s == null ? "" : s.ticks());
        pseudoClassStateChanged(HELD, s == DeliveryState.HELD);
        pseudoClassStateChanged(FAILED, s == DeliveryState.FAILED);
        failedActions.setVisible(s == DeliveryState.FAILED);
        failedActions.setManaged(s == DeliveryState.FAILED);
        pseudoClassStateChanged(DELIVERED, s == DeliveryState.DELIVERED);
    }
}
