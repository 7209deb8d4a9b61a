package qstcs.console;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import qstcs.crypto.wire.DeviceId;
import qstcs.fx.QrCode;

/**
 * The operator enrolls a new device: type its id, get the one-time enrollment string from the KMS
 * and show it as text (to copy into {@code ./qstcs chat --enroll}) and as a QR code. The code in it
 * works once and expires (shown), so the dialog is the only place it appears.
 */
final class EnrollmentDialog extends Dialog<Void> {

    final TextField deviceId = new TextField();
    final Button create = new Button("Create enrollment");
    final TextField enrollment = new TextField();
    final ImageView qr = new ImageView();
    final Label status = new Label("A code works once, for this device only, for 15 minutes.");

    EnrollmentDialog(ConsoleModel model) {
        setTitle("Enroll a device");
        setHeaderText("New soldier device");
        deviceId.setId("enrollDevice");
        deviceId.setPromptText("e.g. Soldier_Charlie");
        create.setId("createEnrollment");
        create.setDefaultButton(true);
        enrollment.setId("enrollmentString");
        enrollment.setEditable(false);
        enrollment.setPrefColumnCount(48);
        qr.setId("enrollmentQr");
        status.setId("enrollmentStatus");
        status.setWrapText(true);
        create.setOnAction(e -> {
            String id = deviceId.getText().strip();
            if (!DeviceId.isValid(id)) {
                status.setText("A device id is " + DeviceId.RULE + ".");
                return;
            }
            create.setDisable(true);
            status.setText("Asking the KMS for a one-time code for " + id + "…");
            model.createEnrollment(id, answer -> {
                create.setDisable(false);
                String uri = answer.path("enrollment_uri").asText();
                enrollment.setText(uri);
                qr.setImage(QrCode.image(uri, 4));
                status.setText("Enrollment for " + id + " valid until " + answer.path("expires_at").asText()
                        + ". On the device: paste it into the chat window's Enrollment field, or scan the code.");
            }, problem -> {
                create.setDisable(false);
                status.setText(problem);
            });
        });
        VBox content = new VBox(10, new HBox(8, deviceId, create), enrollment, qr, status);
        content.setPadding(new Insets(12));
        getDialogPane().setContent(content);
        getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
    }
}
