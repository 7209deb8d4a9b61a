package qstcs.chat;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import qstcs.fx.QrCode;

/**
 * The verification screen over the conversation: the safety number both soldiers read aloud (or
 * scan as a QR code), a warning when the peer's identity key changed, and "Mark as verified".
 * It shows whenever the model holds a {@link ChatModel.Verification}.
 */
final class VerificationView extends StackPane {

    private final Label title = new Label();
    private final Label warning = new Label();
    private final Label number = new Label();
    private final Label explain = new Label();
    private final ImageView qr = new ImageView();
    private final Label state = new Label();
    private final Button confirm = new Button("Mark as verified");

    VerificationView(ChatModel model) {
        setId("verification");
        getStyleClass().add("verification-scrim");
        title.getStyleClass().add("verification-title");
        warning.setId("verification-warning");
        warning.getStyleClass().add("verification-warning");
        warning.setWrapText(true);
        number.setId("safety-number");
        number.getStyleClass().add("safety-number");
        explain.getStyleClass().add("verification-explain");
        explain.setWrapText(true);
        state.setId("verification-state");
        state.getStyleClass().add("verification-state");
        state.setWrapText(true);
        qr.setId("verification-qr");
        confirm.setId("verify-confirm");
        confirm.getStyleClass().add("primary");
        confirm.setOnAction(e -> model.confirmVerified());
        Button close = new Button("Close");
        close.setId("verify-close");
        close.setOnAction(e -> model.closeVerification());
        HBox buttons = new HBox(10, close, confirm);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        HBox body = new HBox(18, new VBox(10, number, explain), qr);
        body.setAlignment(Pos.CENTER_LEFT);
        VBox card = new VBox(12, title, warning, body, state, buttons);
        card.getStyleClass().add("verification-card");
        card.setMaxWidth(560);
        card.setMaxHeight(USE_PREF_SIZE);
        getChildren().add(card);
        setAlignment(Pos.CENTER);
        visibleProperty().bind(model.verificationProperty().isNotNull());
        // Hidden, it must not size the conversation it overlays: its safety number and QR code
        // are wider than a chat docked beside the console.
        managedProperty().bind(visibleProperty());
        model.verificationProperty().addListener((o, was, now) -> show(now));
    }

    private void show(ChatModel.Verification v) {
        if (v == null) {
            return;
        }
        title.setText("Verify " + v.peer());
        warning.setVisible(v.changed());
        warning.setManaged(v.changed());
        warning.setText("⚠ " + v.peer() + "'s identity key has changed since this device last saw it. This happens when "
                + v.peer() + " re-installed the chat — or when someone (even the key service) poses as " + v.peer()
                + ". Compare the new number in person before you trust this conversation.");
        boolean hasKey = v.number() != null;
        number.setText(hasKey ? v.number().display() : "—");
        qr.setImage(hasKey ? QrCode.image(v.number().qrPayload(), 3) : null);
        qr.setVisible(hasKey);
        qr.setManaged(hasKey);
        explain.setText(hasKey ? "Meet " + v.peer() + " and compare: the same 60 digits (or the QR code) on both screens mean"
                + " nobody, not even a compromised key service, sits between you." : "");
        state.setText(!v.problem().isEmpty() ? v.problem()
                : v.verified() ? "✔ You verified " + v.peer() + "'s identity key." : "Not verified yet.");
        confirm.setDisable(!hasKey || v.verified());
    }
}
