package qstcs.console;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import qstcs.client.AuditEntry;

/** The audit log as a list, newest first; each row's severity is a pseudo-class the CSS colours. */
final class EventTimeline extends ListView<AuditEntry> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    EventTimeline(ConsoleModel model) {
        super(model.auditEntries());
        setId("auditList");
        getStyleClass().add("event-timeline");
        setPlaceholder(new Label("No audit entries yet"));
        setFocusTraversable(false);
        setCellFactory(list -> new EntryCell());
    }

    private static final class EntryCell extends ListCell<AuditEntry> {
        private static final PseudoClass INFO = PseudoClass.getPseudoClass("info");
        private static final PseudoClass WARNING = PseudoClass.getPseudoClass("warning");
        private static final PseudoClass CRITICAL = PseudoClass.getPseudoClass("critical");
        private final Label time = new Label();
        private final Label type = new Label();
        private final Label detail = new Label();
        private final HBox row;

        EntryCell() {
            time.getStyleClass().add("event-time");
            time.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            type.getStyleClass().add("event-type");
            detail.getStyleClass().add("event-detail");
            detail.setWrapText(true);
            VBox text = new VBox(1, type, detail);
            HBox.setHgrow(text, Priority.ALWAYS);
            text.setMinWidth(0);
            row = new HBox(8, time, text);
            row.getStyleClass().add("event-row");
            getStyleClass().add("event-cell");
            // Let the row wrap inside the list instead of widening it past the tile.
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(AuditEntry entry, boolean empty) {
            super.updateItem(entry, empty);
            pseudoClassStateChanged(INFO, !empty && entry.severity() == AuditEntry.Severity.INFO);
            pseudoClassStateChanged(WARNING, !empty && entry.severity() == AuditEntry.Severity.WARNING);
            pseudoClassStateChanged(CRITICAL, !empty && entry.severity() == AuditEntry.Severity.CRITICAL);
            if (empty || entry == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            time.setText(TIME.format(entry.at()));
            // Severity as icon (shape) before the readable name, so it never rests on colour alone.
            String name = AuditWording.severity(entry.severity()).split(" ")[0] + " " + AuditWording.name(entry.type());
            type.setText(entry.actor().isEmpty() ? name : name + " · " + entry.actor());
            detail.setText(AuditWording.detail(entry.detail()));
            detail.setManaged(!entry.detail().isEmpty());
            detail.setVisible(!entry.detail().isEmpty());
            setText(null);
            setGraphic(row);
        }
    }
}
