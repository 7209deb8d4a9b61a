package qstcs.console;

import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;
import okhttp3.HttpUrl;

/** Lets the operator point the console at another KMS or relay; a bad URL keeps the dialog open. */
final class ServerSettingsDialog extends Dialog<ButtonType> {
    private final TextField kms = new TextField();
    private final TextField relay = new TextField();
    private final Label error = new Label();
    private final ConsoleModel model;

    ServerSettingsDialog(ConsoleModel model, Window owner) {
        this.model = model;
        initOwner(owner);
        setTitle("Servers");
        setHeaderText("Where the console reads the link and the relay");
        kms.setId("kmsUrlField");
        relay.setId("relayUrlField");
        kms.setText(model.kmsUrlProperty().get().toString());
        relay.setText(model.relayUrlProperty().get() == null ? "" : model.relayUrlProperty().get().toString());
        relay.setPromptText("none (no relay watched)");
        kms.setPrefColumnCount(28);
        error.getStyleClass().add("error-text");
        error.setWrapText(true);
        GridPane grid = new GridPane(10, 10);
        grid.addRow(0, new Label("KMS URL"), kms);
        grid.addRow(1, new Label("Relay URL"), relay);
        grid.add(error, 0, 2, 2, 1);
        getDialogPane().setContent(grid);
        getDialogPane().getStylesheets().add(ConsoleView.STYLESHEET);
        getDialogPane().getStyleClass().add("settings-dialog");
        getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        getDialogPane().lookupButton(ButtonType.OK).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            try {
                ConsoleOptions.httpUrl(kms.getText(), "KMS URL");
                ConsoleOptions.relayUrl(relay.getText(), "Relay URL");
            } catch (IllegalArgumentException bad) {
                error.setText(bad.getMessage());
                e.consume();
            }
        });
    }

    void showAndApply() {
        showAndWait().filter(ButtonType.OK::equals).ifPresent(ok -> {
            HttpUrl k = ConsoleOptions.httpUrl(kms.getText(), "KMS URL");
            model.reconnect(k, ConsoleOptions.relayUrl(relay.getText(), "Relay URL"));
        });
    }
}
