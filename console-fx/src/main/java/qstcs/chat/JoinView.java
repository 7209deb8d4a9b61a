package qstcs.chat;

import javafx.beans.binding.Bindings;
import javafx.geometry.HPos;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The join view: who this device is and where the KMS and relay are. Errors from a failed join
 * (unreachable KMS, wrong URL, refused registration) appear here in plain words.
 */
final class JoinView extends StackPane {
    final TextField device = field("device", "e.g. Soldier_Alpha");
    final TextField peer = field("peer", "e.g. Soldier_Bravo (optional)");
    final TextField kms = field("kms", "https://HOST:8443");
    final TextField relay = field("relay", "wss://HOST:8765");
    final TextField enroll = field("enroll", "qstcs://… from the operator (./qstcs enroll ID or the console)");
    final CheckBox pqc = new CheckBox("Hybrid post-quantum handshake (ML-KEM-768)");
    final Button join = new Button("Join");

    JoinView(ChatModel model, ChatOptions options) {
        getStyleClass().add("join");
        device.setText(options.device().orElse(""));
        peer.setText(options.peer().orElse(""));
        kms.setText(options.kmsUrl());
        relay.setText(options.relayUrl());
        // An enrollment string (from --enroll or pasted) is redeemed over TLS when Join is pressed.
        enroll.setText(options.enroll().orElse(""));
        pqc.setSelected(options.pqc());
        pqc.setId("pqc");

        Label title = new Label("QSTCS Secure Chat");
        title.getStyleClass().add("join-title");
        Label subtitle = new Label("End-to-end encrypted with keys from a simulated BB84 quantum link");
        subtitle.getStyleClass().add("join-subtitle");
        subtitle.setWrapText(true);

        GridPane form = new GridPane();
        form.getStyleClass().add("join-form");
        ColumnConstraints labels = new ColumnConstraints();
        labels.setHalignment(HPos.RIGHT);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().addAll(labels, fields);
        form.addRow(0, label("Device ID"), device);
        form.addRow(1, label("Contact"), peer);
        form.addRow(2, label("Key service"), kms);
        form.addRow(3, label("Relay"), relay);
        form.addRow(4, label("Enrollment"), enroll);
        form.add(pqc, 1, 5);

        Label error = new Label();
        error.setId("join-error");
        error.getStyleClass().add("join-error");
        error.setWrapText(true);
        error.textProperty().bind(model.joinErrorProperty());
        error.visibleProperty().bind(Bindings.isNotEmpty(model.joinErrorProperty()));
        error.managedProperty().bind(error.visibleProperty());

        join.setId("join");
        join.setDefaultButton(true);
        join.getStyleClass().add("primary");
        join.setMaxWidth(Double.MAX_VALUE);
        // An enrollment string wins: it names the device, the KMS, the relay and the CA to pin.
        join.setOnAction(e -> {
            if (!enroll.getText().isBlank()) {
                model.joinWithEnrollment(enroll.getText(), peer.getText(), pqc.isSelected());
            } else {
                model.join(device.getText(), kms.getText(), relay.getText(), peer.getText(), pqc.isSelected());
            }
        });

        VBox card = new VBox(title, subtitle, form, error, join);
        card.getStyleClass().add("join-card");
        card.setMaxWidth(520);
        card.setMaxHeight(USE_PREF_SIZE);
        setAlignment(Pos.CENTER);
        getChildren().add(card);
    }

    private static TextField field(String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("form-label");
        return l;
    }
}
