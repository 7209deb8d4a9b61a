package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import qstcs.client.RelayStats;
import qstcs.crypto.wire.DeviceId;

/**
 * Device management: the enrolled devices (state, enrolled, last seen at the KMS, online on the
 * relay) with enrollment and revocation (after a confirmation naming the device), and the ETSI 014
 * SAE certificates with issue (the PEM with its private key goes straight to a file the operator
 * picks, 0600, never shown) and revoke.
 */
final class DeviceScreen extends VBox {
    /** One row of the device table. */
    record Device(String id, boolean active, Instant enrolledAt, Optional<Instant> lastSeen, Optional<Instant> revokedAt) {
        static Device fromJson(JsonNode o) {
            return new Device(o.path("device_id").asText(), o.path("active").asBoolean(),
                    Instant.parse(o.path("enrolled_at").asText()), instant(o, "last_seen"), instant(o, "revoked_at"));
        }
    }

    /** One row of the certificate table. */
    record SaeCertificate(String saeId, String serial, Instant issuedAt, Instant expiresAt, boolean revoked) {
        static SaeCertificate fromJson(JsonNode o) {
            return new SaeCertificate(o.path("sae_id").asText(), o.path("serial").asText(),
                    Instant.parse(o.path("issued_at").asText()), Instant.parse(o.path("expires_at").asText()),
                    o.path("revoked").asBoolean());
        }
    }

    final TableView<Device> devices = new TableView<>();
    final TableView<SaeCertificate> certificates = new TableView<>();
    final Button enroll = new Button("Enroll a device…");
    final Button revoke = new Button("Revoke device…");
    final Button refresh = new Button("Refresh");
    final Button issue = new Button("Issue SAE certificate…");
    final Button revokeCert = new Button("Revoke SAE certificates…");
    final Label status = new Label();
    private final ObservableList<Device> deviceRows = FXCollections.observableArrayList();
    private final ObservableList<SaeCertificate> certRows = FXCollections.observableArrayList();
    private final ConsoleModel model;
    /** Where an issued PEM goes; tests set it instead of clicking through a file chooser. */
    java.util.function.Function<String, Optional<Path>> pemTarget = this::choosePemFile;

    DeviceScreen(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("device-screen");
        setSpacing(8);
        setPadding(new Insets(12));
        devices.setId("deviceTable");
        certificates.setId("saeTable");
        enroll.setId("enrollButton");
        revoke.setId("revokeDevice");
        refresh.setId("refreshDevices");
        issue.setId("issueSaeCert");
        revokeCert.setId("revokeSaeCert");
        status.setId("deviceStatus");
        status.setWrapText(true);

        devices.getColumns().add(column("Device", Device::id, 200));
        devices.getColumns().add(column("State", d -> d.active() ? "● Active" : "✖ Revoked", 110));
        devices.getColumns().add(column("Enrolled", d -> AuditWording.dateTime(d.enrolledAt()), 170));
        devices.getColumns().add(column("Last seen (KMS)", d -> d.lastSeen().map(AuditWording::dateTime)
                .orElse("— not since the KMS started"), 220));
        devices.getColumns().add(column("On the relay", this::onlineText, 200));
        devices.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        devices.setItems(deviceRows);
        devices.setPlaceholder(new Label("No device enrolled yet: Enroll a device… (Ctrl+E)"));
        revoke.disableProperty().bind(devices.getSelectionModel().selectedItemProperty().isNull());

        certificates.getColumns().add(column("SAE", SaeCertificate::saeId, 200));
        certificates.getColumns().add(column("State", c -> c.revoked() ? "✖ Revoked" : "● Valid", 110));
        certificates.getColumns().add(column("Serial", SaeCertificate::serial, 200));
        certificates.getColumns().add(column("Issued", c -> AuditWording.dateTime(c.issuedAt()), 170));
        certificates.getColumns().add(column("Expires", c -> AuditWording.dateTime(c.expiresAt()), 170));
        certificates.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        certificates.setItems(certRows);
        certificates.setPlaceholder(new Label("No ETSI 014 SAE certificate issued yet"));
        revokeCert.disableProperty().bind(certificates.getSelectionModel().selectedItemProperty().isNull());

        Label devicesTitle = new Label("ENROLLED DEVICES");
        devicesTitle.getStyleClass().add("section-title");
        Label saeTitle = new Label("ETSI GS QKD 014 SAE CERTIFICATES");
        saeTitle.getStyleClass().add("section-title");
        HBox deviceButtons = new HBox(8, enroll, revoke, refresh);
        deviceButtons.setAlignment(Pos.CENTER_LEFT);
        HBox certButtons = new HBox(8, issue, revokeCert);
        certButtons.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(devices, Priority.ALWAYS);
        VBox.setVgrow(certificates, Priority.ALWAYS);
        getChildren().addAll(devicesTitle, deviceButtons, devices, saeTitle, certButtons, certificates, status);

        enroll.setOnAction(e -> openEnrollment());
        revoke.setOnAction(e -> confirmRevoke(devices.getSelectionModel().getSelectedItem()));
        refresh.setOnAction(e -> reload());
        issue.setOnAction(e -> askAndIssue());
        revokeCert.setOnAction(e -> confirmRevokeCert(certificates.getSelectionModel().getSelectedItem()));
        model.relayStatsProperty().addListener((obs, old, s) -> devices.refresh());
    }

    private static <T> TableColumn<T, String> column(String title, java.util.function.Function<T, String> text, double width) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(text.apply(f.getValue())).getReadOnlyProperty());
        c.setPrefWidth(width);
        return c;
    }

    private String onlineText(Device d) {
        RelayStats stats = model.relayStatsProperty().get();
        if (stats == null || !model.relayReachableProperty().get()) {
            return "— relay not reachable";
        }
        return stats.onlineIds().contains(d.id()) ? "● Online" : "○ Offline";
    }

    /** Reads both lists from the KMS. */
    void reload() {
        status.setText("Reading devices and certificates…");
        model.board().run("Read devices", c -> c.devices(), json -> {
            List<Device> rows = new ArrayList<>();
            json.path("devices").forEach(d -> rows.add(Device.fromJson(d)));
            deviceRows.setAll(rows);
            status.setText(rows.size() + " device(s) enrolled.");
        }, status::setText);
        model.board().run("Read SAE certificates", c -> c.saeCertificates(), json -> {
            List<SaeCertificate> rows = new ArrayList<>();
            json.path("certificates").forEach(c -> rows.add(SaeCertificate.fromJson(c)));
            certRows.setAll(rows);
        }, status::setText);
    }

    void openEnrollment() {
        EnrollmentDialog dialog = new EnrollmentDialog(model);
        if (getScene() != null) {
            dialog.initOwner(getScene().getWindow());
        }
        dialog.setOnHidden(e -> reload());
        dialog.show();
    }

    private Alert confirm(String title, String header, String text, String action) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, new ButtonType(action, javafx.scene.control.ButtonBar.ButtonData.OK_DONE),
                ButtonType.CANCEL);
        a.setTitle(title);
        a.setHeaderText(header);
        Theme.apply(a);
        a.getDialogPane().lookupButton(a.getButtonTypes().getFirst()).setId("confirmRevoke");
        // Cancel is the default: Enter alone must not revoke anything.
        ((Button) a.getDialogPane().lookupButton(a.getButtonTypes().getFirst())).setDefaultButton(false);
        ((Button) a.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        return a;
    }

    private void confirmRevoke(Device d) {
        if (d == null) {
            return;
        }
        Alert a = confirm("Revoke device", "Revoke " + d.id() + "?", "Its token stops working at once, the relay "
                + "closes its sessions and every key it could read is revoked. It can only come back through a new "
                + "enrollment.", "Revoke " + d.id());
        a.showAndWait().filter(b -> b.getButtonData() == javafx.scene.control.ButtonBar.ButtonData.OK_DONE)
                .ifPresent(b -> model.board().run("Revoke device", c -> c.revokeDevice(d.id()), json -> {
                    status.setText(d.id() + " revoked.");
                    reload();
                }, status::setText));
    }

    private void confirmRevokeCert(SaeCertificate cert) {
        if (cert == null) {
            return;
        }
        Alert a = confirm("Revoke SAE certificates", "Revoke every certificate of SAE " + cert.saeId() + "?",
                "The KMS answers that SAE's ETSI 014 key requests with 401 from the next request on.",
                "Revoke " + cert.saeId());
        a.showAndWait().filter(b -> b.getButtonData() == javafx.scene.control.ButtonBar.ButtonData.OK_DONE)
                .ifPresent(b -> model.board().run("Revoke SAE certificates", c -> c.revokeSaeCertificates(cert.saeId()),
                        json -> {
                            status.setText(json.path("revoked").asInt() + " certificate(s) of " + cert.saeId() + " revoked.");
                            reload();
                        }, status::setText));
    }

    private void askAndIssue() {
        TextInputDialog ask = new TextInputDialog();
        ask.setTitle("Issue an SAE certificate");
        ask.setHeaderText("ETSI GS QKD 014 client certificate");
        ask.setContentText("SAE id:");
        Theme.apply(ask);
        ask.getEditor().setId("saeId");
        ask.getDialogPane().lookupButton(ButtonType.OK).setId("confirmIssue");
        if (getScene() != null) {
            ask.initOwner(getScene().getWindow());
        }
        ask.showAndWait().map(String::strip).ifPresent(this::issue);
    }

    /** Issues a certificate for {@code saeId} and writes the PEM where {@link #pemTarget} says. */
    void issue(String saeId) {
        if (!DeviceId.isValid(saeId)) {
            status.setText("An SAE id is " + DeviceId.RULE + ".");
            return;
        }
        Optional<Path> target = pemTarget.apply(saeId);
        if (target.isEmpty()) {
            return;
        }
        status.setText("Issuing a certificate for " + saeId + "…");
        model.board().run("Issue SAE certificate", c -> {
            byte[] pem = c.issueSaeCertificate(saeId);
            try {
                write(target.get(), pem);
            } catch (IOException e) {
                throw new qstcs.client.ClientException(qstcs.client.ClientException.Problem.PROTOCOL,
                        "The certificate was issued but " + target.get() + " cannot be written: " + e.getMessage()
                                + ". Revoke it and issue another.");
            } finally {
                java.util.Arrays.fill(pem, (byte) 0);
            }
            return target.get();
        }, file -> {
            status.setText("Certificate for " + saeId + " written to " + file + " (private key inside, mode 0600). "
                    + "Hand it to the SAE's host; it is not kept anywhere else.");
            reload();
        }, status::setText);
    }

    private static void write(Path file, byte[] pem) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.write(file, pem, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private Optional<Path> choosePemFile(String saeId) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the SAE key and certificate (keep it secret)");
        chooser.setInitialFileName(saeId + ".pem");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PEM", "*.pem"));
        java.io.File f = chooser.showSaveDialog(getScene() == null ? null : getScene().getWindow());
        return Optional.ofNullable(f).map(java.io.File::toPath);
    }

    private static Optional<Instant> instant(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(Instant.parse(v.asText()));
    }
}
