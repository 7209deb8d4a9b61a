package qstcs.console;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The alarm list: every breach alarm, newest first, with who acknowledged it and when; an
 * unacknowledged one has an "Acknowledge…" button that asks for an optional note and sends it to
 * the KMS (which audits the operator). The header keeps the cumulative breach count beside the
 * since-reset one.
 */
final class AlarmListView extends VBox {
    private static final PseudoClass OPEN = PseudoClass.getPseudoClass("unacknowledged");

    final Label summary = new Label();
    final ListView<AlarmBoard.Alarm> list;
    final CheckBox sound = new CheckBox("Sound on new alarm");
    private final ConsoleModel model;

    AlarmListView(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("alarm-list-view");
        setSpacing(10);
        setPadding(new Insets(12));
        summary.setId("alarmSummary");
        summary.getStyleClass().add("alarm-summary");
        summary.textProperty().bind(Bindings.createStringBinding(() -> {
            int open = model.alarms.unacknowledged().get();
            return (open == 0 ? "✔ No unacknowledged alarm" : "⚠ " + open + " unacknowledged alarm" + (open == 1 ? "" : "s"))
                    + "   ·   breaches since start: " + model.breachesTotal.get()
                    + "   ·   since the last reset: " + model.attacksDetected.get();
        }, model.alarms.unacknowledged(), model.breachesTotal, model.attacksDetected));
        sound.setId("alarmSound");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, summary, spacer, sound);
        header.setAlignment(Pos.CENTER_LEFT);
        list = new ListView<>(model.alarms.alarms());
        list.setId("alarmList");
        list.setPlaceholder(new Label("No alarm has been raised since the KMS started."));
        list.setCellFactory(v -> new AlarmCell());
        VBox.setVgrow(list, Priority.ALWAYS);
        getChildren().addAll(header, list);
    }

    /** Asks for an optional note, then acknowledges at the KMS; false if the operator cancelled. */
    void acknowledge(AlarmBoard.Alarm alarm) {
        TextInputDialog ask = new TextInputDialog();
        ask.setTitle("Acknowledge alarm");
        ask.setHeaderText(AuditWording.name(alarm.kind()) + " at " + AuditWording.time(alarm.raisedAt()));
        ask.setContentText("Note for the audit log (optional):");
        Theme.apply(ask);
        ask.getEditor().setId("alarmNote");
        ((Button) ask.getDialogPane().lookupButton(ButtonType.OK)).setText("Acknowledge");
        ask.getDialogPane().lookupButton(ButtonType.OK).setId("confirmAcknowledge");
        if (getScene() != null) {
            ask.initOwner(getScene().getWindow());
        }
        ask.showAndWait().ifPresent(note -> model.board().acknowledge(alarm.id(), note, model.alarms,
                problem -> model.notice.set(OperatorNotice.failure("Acknowledge failed", problem))));
    }

    private final class AlarmCell extends ListCell<AlarmBoard.Alarm> {
        private final Label title = new Label();
        private final Label detail = new Label();
        private final Label state = new Label();
        private final Button ack = new Button("Acknowledge…");
        private final HBox row;

        AlarmCell() {
            title.getStyleClass().add("alarm-title");
            detail.getStyleClass().add("alarm-detail");
            detail.setWrapText(true);
            state.getStyleClass().add("alarm-state");
            ack.getStyleClass().add("acknowledge-button");
            VBox text = new VBox(2, title, detail, state);
            HBox.setHgrow(text, Priority.ALWAYS);
            text.setMinWidth(0);
            row = new HBox(12, text, ack);
            row.setAlignment(Pos.CENTER_LEFT);
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(AlarmBoard.Alarm a, boolean empty) {
            super.updateItem(a, empty);
            pseudoClassStateChanged(OPEN, !empty && a != null && !a.acknowledged());
            if (empty || a == null) {
                setGraphic(null);
                return;
            }
            title.setText((a.acknowledged() ? "✔ " : "⚠ ") + AuditWording.name(a.kind()) + " · "
                    + AuditWording.dateTime(a.raisedAt()) + " · QBER " + String.format(Locale.ROOT, "%.1f %%", a.qber() * 100));
            detail.setText(AuditWording.detail(a.detail()));
            state.setText(a.acknowledged() ? "Acknowledged by " + a.acknowledgedBy().orElse("?") + " at "
                    + a.acknowledgedAt().map(AuditWording::dateTime).orElse("?") : "UNACKNOWLEDGED — stays until an operator acknowledges it");
            ack.setVisible(!a.acknowledged());
            ack.setManaged(!a.acknowledged());
            ack.setId("acknowledge-" + a.id());
            ack.setOnAction(e -> acknowledge(a));
            setGraphic(row);
        }
    }
}
