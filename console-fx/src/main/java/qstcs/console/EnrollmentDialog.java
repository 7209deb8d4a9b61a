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
    final Button copy = new Button("Copy");
    final Label countdown = new Label();
    private javafx.animation.Timeline ticker;

    EnrollmentDialog(ConsoleModel model) {
        setTitle("Enroll a device");
        Theme.apply(this);
        getDialogPane().setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        setResizable(true);
        copy.setId("copyEnrollment");
        copy.setDisable(true);
        copy.setOnAction(e -> {
            javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
            c.putString(enrollment.getText());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
            status.setText("Copied. Paste it into the new device's Enrollment field.");
        });
        countdown.setId("enrollmentCountdown");
        countdown.getStyleClass().add("countdown");
        setOnHidden(e -> {
            if (ticker != null) {
                ticker.stop();
            }
        });
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
                copy.setDisable(false);
                qr.setImage(QrCode.image(uri, 4));
                // The whole code stays visible: at most 300 px, never cropped, the dialog grows to fit it.
                qr.setPreserveRatio(true);
                qr.setFitWidth(Math.min(300, qr.getImage().getWidth()));
                startCountdown(java.time.Instant.parse(answer.path("expires_at").asText()));
                getDialogPane().getScene().getWindow().sizeToScene();
                status.setText("Enrollment for " + id + ". On the device: paste it into the chat window's "
                        + "Enrollment field (Copy), or scan the code.");
            }, problem -> {
                create.setDisable(false);
                status.setText(problem);
            });
        });
        HBox.setHgrow(enrollment, javafx.scene.layout.Priority.ALWAYS);
        VBox content = new VBox(10, new HBox(8, deviceId, create), new HBox(8, enrollment, copy), qr, countdown, status);
        content.setPrefWidth(560);
        content.setPadding(new Insets(12));
        getDialogPane().setContent(content);
        getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
    }

    private void startCountdown(java.time.Instant expiresAt) {
        if (ticker != null) {
            ticker.stop();
        }
        Runnable show = () -> {
            long left = java.time.Duration.between(java.time.Instant.now(), expiresAt).toSeconds();
            countdown.setText(left > 0 ? String.format("Expires in %d:%02d (at %s)", left / 60, left % 60,
                    AuditWording.time(expiresAt)) : "Expired — create a new code");
        };
        show.run();
        ticker = new javafx.animation.Timeline(new javafx.animation.KeyFrame(javafx.util.Duration.seconds(1), e -> show.run()));
        ticker.setCycleCount(javafx.animation.Animation.INDEFINITE);
        ticker.play();
    }
}
