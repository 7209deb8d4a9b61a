package qstcs.chat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.geometry.HPos;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.tls.RelayAddresses;
import qstcs.fx.QrCode;

/**
 * The join view. A new soldier's first need comes first: the enrollment string from the operator,
 * pasted from the clipboard (text, or an image of the console's QR code) or read from a QR image
 * or screen capture file; it names the device, the key service, the relay and the CA to pin, so
 * the fields below fill themselves. An already enrolled device joins by its id. Progress shows as
 * progress; only a failure appears in the red box.
 */
final class JoinView extends StackPane {
    final TextField enroll = field("enroll", "qstcs://… from the operator — paste it, or open the QR code");
    final Button paste = new Button("Paste");
    final Button openQr = new Button("Open QR image…");
    final TextField device = field("device", "e.g. Soldier_Alpha");
    final TextField peer = field("peer", "e.g. Soldier_Bravo (optional)");
    final TextField kms = field("kms", "https://HOST:8443");
    final TextField relay = field("relay", "wss://HOST:8765");
    /** "Relays" when the field lists several of one cluster (comma-separated), else "Relay". */
    final Label relayLabel = label("Relay");
    final CheckBox pqc = new CheckBox("Hybrid post-quantum handshake (ML-KEM-768)");
    final Button join = new Button("Join");
    /** Asks the soldier for an image file; tests put their own chooser here (a file dialog cannot be driven headless). */
    Function<Window, Optional<Path>> imageChooser = JoinView::chooseImage;

    private final ChatModel model;

    JoinView(ChatModel model, ChatOptions options) {
        this.model = model;
        getStyleClass().add("join");
        device.setText(options.device().orElse(""));
        peer.setText(options.peer().orElse(""));
        kms.setText(options.kmsUrl());
        relay.setText(options.relayUrl());
        relay.textProperty().addListener((o, was, now) -> relayLabel.setText(now != null && now.contains(",") ? "Relays" : "Relay"));
        relayLabel.setText(options.relayUrl().contains(",") ? "Relays" : "Relay");
        // An enrollment string (from --enroll or pasted) is redeemed over TLS when Join is pressed.
        enroll.setText(options.enroll().orElse(""));
        enroll.textProperty().addListener((o, was, now) -> fillFrom(now));
        fillFrom(enroll.getText());
        pqc.setSelected(options.pqc());
        pqc.setId("pqc");

        Label title = new Label("QSTCS Secure Chat");
        title.getStyleClass().add("join-title");
        Label subtitle = new Label("End-to-end encrypted with keys from a simulated BB84 quantum link");
        subtitle.getStyleClass().add("join-subtitle");
        subtitle.setWrapText(true);

        Label enrollTitle = new Label("New on this computer? Enrollment string from the operator");
        enrollTitle.getStyleClass().add("join-section");
        paste.setId("paste");
        paste.setOnAction(e -> pasteFromClipboard());
        openQr.setId("open-qr");
        openQr.setOnAction(e -> imageChooser.apply(getScene() == null ? null : getScene().getWindow())
                .ifPresent(this::readQrImage));
        HBox enrollRow = new HBox(8, enroll, paste, openQr);
        HBox.setHgrow(enroll, Priority.ALWAYS);
        enrollRow.setAlignment(Pos.CENTER_LEFT);

        Label formTitle = new Label("Already enrolled here? Your device and servers");
        formTitle.getStyleClass().add("join-section");
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
        relayLabel.setId("relay-label");
        form.addRow(3, relayLabel, relay);
        form.add(pqc, 1, 4);

        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        Label progressText = new Label();
        progressText.setId("join-progress");
        progressText.getStyleClass().add("join-progress-text");
        progressText.setWrapText(true);
        progressText.textProperty().bind(model.joinProgressProperty());
        HBox progress = new HBox(8, spinner, progressText);
        progress.getStyleClass().add("join-progress");
        progress.setAlignment(Pos.CENTER_LEFT);
        progress.visibleProperty().bind(Bindings.isNotEmpty(model.joinProgressProperty()));
        progress.managedProperty().bind(progress.visibleProperty());

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
        join.disableProperty().bind(Bindings.isNotEmpty(model.joinProgressProperty()));
        // An enrollment string wins: it names the device, the KMS, the relay and the CA to pin.
        join.setOnAction(e -> {
            if (!enroll.getText().isBlank()) {
                model.joinWithEnrollment(enroll.getText(), peer.getText(), pqc.isSelected());
            } else {
                model.join(device.getText(), kms.getText(), relay.getText(), peer.getText(), pqc.isSelected());
            }
        });

        VBox card = new VBox(title, subtitle, enrollTitle, enrollRow, formTitle, form, progress, error, join);
        card.getStyleClass().add("join-card");
        card.setMaxWidth(600);
        card.setMaxHeight(USE_PREF_SIZE);
        setAlignment(Pos.CENTER);
        getChildren().add(card);
    }

    /** A valid enrollment string fills the device id and addresses it names (they cannot differ from it). */
    private void fillFrom(String text) {
        if (text == null || text.isBlank()) {
            device.setDisable(false);
            kms.setDisable(false);
            relay.setDisable(false);
            return;
        }
        try {
            EnrollmentUri uri = EnrollmentUri.parse(text.trim());
            device.setText(uri.deviceId());
            kms.setText(uri.kmsUrl().toString());
            relay.setText(RelayAddresses.format(uri.relayUrls()));
            device.setDisable(true);
            kms.setDisable(true);
            relay.setDisable(true);
        } catch (IllegalArgumentException e) {
            device.setDisable(false);
            kms.setDisable(false);
            relay.setDisable(false);
        }
    }

    /** Text from the clipboard, or a QR code in an image on the clipboard (a screenshot of the console). */
    void pasteFromClipboard() {
        Clipboard clip = Clipboard.getSystemClipboard();
        if (clip.hasString() && !clip.getString().isBlank()) {
            enroll.setText(clip.getString().trim());
            model.clearJoinError();
        } else if (clip.hasImage()) {
            QrCode.decode(clip.getImage()).ifPresentOrElse(this::useScanned,
                    () -> model.joinFailed("The image on the clipboard has no QR code in it."));
        } else if (clip.hasFiles() && !clip.getFiles().isEmpty()) {
            readQrImage(clip.getFiles().getFirst().toPath());
        } else {
            model.joinFailed("The clipboard is empty. Copy the enrollment string (or the console's QR code) first.");
        }
    }

    /** Reads the enrollment QR code from an image or screen capture file. */
    void readQrImage(Path file) {
        try {
            QrCode.decode(file).ifPresentOrElse(this::useScanned, () -> model.joinFailed(
                    "No QR code found in " + file.getFileName() + ". Take the picture or screen capture so that the whole code shows."));
        } catch (IOException e) {
            model.joinFailed(e.getMessage() + ".");
        }
    }

    private void useScanned(String text) {
        if (!text.startsWith(EnrollmentUri.SCHEME + "://")) {
            model.joinFailed("That QR code is not an enrollment string (it does not start with qstcs://).");
            return;
        }
        enroll.setText(text);
        model.clearJoinError();
    }

    private static Optional<Path> chooseImage(Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open the enrollment QR code (photo or screen capture)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.bmp"));
        File f = chooser.showOpenDialog(owner);
        return Optional.ofNullable(f).map(File::toPath);
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
