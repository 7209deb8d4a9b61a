package qstcs.console;

import java.util.Optional;
import java.util.function.UnaryOperator;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Asks the operator to confirm a destructive action (Force Attack, Reset) and for an optional
 * reason that goes to the KMS audit log with the operator's identity. Neither button is the
 * default and the focus starts in the reason field, so an Enter or Space pressed by accident never
 * confirms: the action runs only when its own button is chosen.
 */
final class ConfirmDialog extends Dialog<String> {
    /** The KMS accepts at most this many characters; the field stops there. */
    static final int MAX_REASON = 200;

    final TextField reason = new TextField();
    final ButtonType confirm;

    ConfirmDialog(Window owner, String title, String question, String consequence, String confirmLabel) {
        if (owner != null) {
            initOwner(owner);
        }
        setTitle(title);
        Theme.apply(this);
        getDialogPane().getStyleClass().add("confirm-dialog");
        setHeaderText(question);
        confirm = new ButtonType(confirmLabel, ButtonBar.ButtonData.OK_DONE);
        ButtonType cancel = new ButtonType("Cancel", ButtonBar.ButtonData.CANCEL_CLOSE);
        getDialogPane().getButtonTypes().setAll(confirm, cancel);
        Button confirmButton = (Button) getDialogPane().lookupButton(confirm);
        confirmButton.setId("confirmAction");
        confirmButton.setDefaultButton(false);
        confirmButton.getStyleClass().add("danger");
        Button cancelButton = (Button) getDialogPane().lookupButton(cancel);
        cancelButton.setId("cancelAction");
        cancelButton.setDefaultButton(false);
        cancelButton.setCancelButton(true);

        Label what = new Label(consequence);
        what.setWrapText(true);
        what.setMaxWidth(440);
        Label reasonLabel = new Label("Reason for the audit log (optional)");
        reasonLabel.getStyleClass().add("field-label");
        reasonLabel.setLabelFor(reason);
        reason.setId("actionReason");
        reason.setPromptText("e.g. drill 7, demo for visitors");
        UnaryOperator<TextFormatter.Change> limit = c -> c.getControlNewText().length() <= MAX_REASON ? c : null;
        reason.setTextFormatter(new TextFormatter<>(limit));
        getDialogPane().setContent(new VBox(10, what, reasonLabel, reason));
        setResultConverter(b -> b == confirm ? reason.getText().strip() : null);
        Platform.runLater(reason::requestFocus);
    }

    /** Shows the dialog and waits; the reason (possibly blank) if confirmed, empty if cancelled. */
    Optional<String> ask() {
        return showAndWait();
    }
}
