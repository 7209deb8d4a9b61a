package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.AuditEntry;
import qstcs.client.KmsOperatorClient;
import qstcs.client.KmsTrust;
import qstcs.client.OperatorToken;
import qstcs.kms.KmsServer;
import qstcs.relay.RelayServer;
import qstcs.relay.RelaySettings;

/**
 * The operator board against the real KMS and relay, headless: a breach alarm stays through a
 * reset until acknowledged in the alarm list (the KMS audits who), the device screen revokes a
 * device and issues and revokes an SAE certificate, enrollment opens from the menu, and the
 * event log filters and exports what it shows.
 */
@ExtendWith(ApplicationExtension.class)
class OperatorBoardLiveIT {
    private static final String TITLE = "QSTCS SOC console — test";
    private static KmsServer kms;
    private static RelayServer relay;
    private ConsoleModel model;
    private ConsoleView view;
    private Stage stage;

    @BeforeAll
    static void servers() {
        kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-board-test"), "--round-ms", "300");
        relay = RelayServer.start(RelaySettings.loopbackForTests().withKms(URI.create(kms.plainUrl())));
    }

    @AfterAll
    static void stopServers() {
        relay.close();
        kms.close();
    }

    private static KmsOperatorClient operator() {
        return new KmsOperatorClient(ConsoleApp.httpClient(KmsTrust.load(kms.home(), Map.of())),
                okhttp3.HttpUrl.get(kms.tlsUrl()), OperatorToken.load(kms.home(), Map.of()));
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        ConsoleOptions options = ConsoleOptions.parse(List.of("--home", kms.home().toString(), "--kms", kms.tlsUrl(),
                "--relay", "ws://127.0.0.1:" + relay.port()), Map.of());
        model = ConsoleApp.createModel(options, Map.of());
        view = new ConsoleView(model, new Label("visualiser"));
        // The primary stage is shared by every test class in this JVM; a chat window binds its title.
        stage.titleProperty().unbind();
        stage.setTitle(TITLE);
        stage.setScene(new Scene(view, 1280, 800));
        stage.sizeToScene();
        stage.setX(0);
        stage.setY(0);
        stage.show();
        model.start();
    }

    @AfterEach
    void closeAndReset() throws Exception {
        WaitForAsyncUtils.asyncFx(model::close).get(5, TimeUnit.SECONDS);
        operator().reset();
    }

    @Test
    void aBreachAlarmStaysThroughResetUntilAcknowledgedAndTheKmsAuditsWho(FxRobot robot) throws Exception {
        await(20, () -> model.streamProperty().get() == ConsoleModel.StreamState.LIVE);
        operator().forceAttack();
        await(20, () -> view.alarmBanner.isVisible());
        assertTrue(fx(() -> stage.getTitle()).startsWith("⚠ 1 ALARM"), "the window title asks for attention");
        operator().reset();
        await(20, () -> model.attacksDetectedProperty().get() == 0 && model.breachesTotalProperty().get() >= 1);
        assertTrue(fx(() -> view.alarmBanner.isVisible()), "a reset acknowledges nothing");
        assertTrue(fx(() -> view.alarms.summary.getText()).contains("breaches since start: "
                + fx(() -> model.breachesTotalProperty().get())));

        robot.clickOn("#alarmBanner"); // opens the alarm list
        long id = fx(() -> model.alarms.alarms().getFirst().id());
        robot.clickOn("#acknowledge-" + id);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#confirmAcknowledge").tryQuery().isPresent());
        robot.interact(() -> {
            robot.lookup("#alarmNote").queryAs(TextField.class).setText("fibre checked");
            robot.lookup("#confirmAcknowledge").queryButton().fire();
        });
        await(20, () -> model.alarms.unacknowledged().get() == 0);
        assertFalse(fx(() -> view.alarmBanner.isVisible()));
        assertEquals(TITLE, fx(() -> stage.getTitle()));

        JsonNode alarm = operator().alarms().path("alarms").get(0);
        assertEquals(id, alarm.path("id").asLong());
        assertTrue(alarm.path("acknowledged_by").asText().startsWith("operator"), alarm.toString());
        AuditEntry ack = operator().recentAudit(50).stream().filter(e -> e.type().equals("alarm_acknowledged"))
                .findFirst().orElseThrow();
        assertTrue(ack.actor().startsWith("operator"), ack.toString());
        assertTrue(ack.detail().contains("fibre checked"), ack.toString());
    }

    @Test
    void theDeviceScreenRevokesADeviceAndIssuesAndRevokesAnSaeCertificate(FxRobot robot) throws Exception {
        kms.issueDeviceToken("Soldier_Echo");
        await(20, () -> model.streamProperty().get() == ConsoleModel.StreamState.LIVE);
        robot.clickOn("#consoleMenu").clickOn("#menuDevices");
        await(20, () -> view.devices.devices.getItems().stream().anyMatch(d -> d.id().equals("Soldier_Echo") && d.active()));
        robot.interact(() -> view.devices.devices.getSelectionModel().select(view.devices.devices.getItems().stream()
                .filter(d -> d.id().equals("Soldier_Echo")).findFirst().orElseThrow()));
        robot.clickOn("#revokeDevice");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#confirmRevoke").tryQuery().isPresent());
        robot.interact(() -> robot.lookup("#confirmRevoke").queryButton().fire());
        await(20, () -> view.devices.devices.getItems().stream().anyMatch(d -> d.id().equals("Soldier_Echo") && !d.active()));
        boolean active = false;
        for (JsonNode d : operator().devices().path("devices")) {
            if (d.path("device_id").asText().equals("Soldier_Echo")) {
                active = d.path("active").asBoolean();
            }
        }
        assertFalse(active, "revoked at the KMS");

        Path pem = Files.createTempDirectory("qstcs-sae").resolve("sae-bravo.pem");
        view.devices.pemTarget = id -> Optional.of(pem);
        robot.clickOn("#issueSaeCert");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#saeId").tryQuery().isPresent());
        robot.interact(() -> {
            robot.lookup("#saeId").queryAs(TextField.class).setText("sae-bravo");
            robot.lookup("#confirmIssue").queryButton().fire();
        });
        await(20, () -> view.devices.certificates.getItems().stream().anyMatch(c -> c.saeId().equals("sae-bravo") && !c.revoked()));
        assertTrue(Files.readString(pem).startsWith("-----BEGIN PRIVATE KEY-----"), "the PEM went to the file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pem)));
        assertFalse(fx(() -> view.devices.status.getText()).contains("PRIVATE KEY"), "never shown");

        robot.interact(() -> view.devices.certificates.getSelectionModel().select(view.devices.certificates.getItems()
                .stream().filter(c -> c.saeId().equals("sae-bravo")).findFirst().orElseThrow()));
        robot.clickOn("#revokeSaeCert");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#confirmRevoke").tryQuery().isPresent());
        robot.interact(() -> robot.lookup("#confirmRevoke").queryButton().fire());
        await(20, () -> view.devices.certificates.getItems().stream().anyMatch(c -> c.saeId().equals("sae-bravo") && c.revoked()));
    }

    @Test
    void enrollmentOpensFromTheMenuWithTheWholeQrCodeACopyButtonAndACountdown(FxRobot robot) throws Exception {
        await(20, () -> model.streamProperty().get() == ConsoleModel.StreamState.LIVE);
        robot.clickOn("#consoleMenu").clickOn("#menuEnroll");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> robot.lookup("#enrollDevice").tryQuery().isPresent());
        robot.interact(() -> {
            robot.lookup("#enrollDevice").queryAs(TextField.class).setText("Soldier_Foxtrot");
            robot.lookup("#createEnrollment").queryButton().fire();
        });
        await(20, () -> robot.lookup("#enrollmentCountdown").queryAs(Label.class).getText().startsWith("Expires in"));
        javafx.scene.image.ImageView qr = robot.lookup("#enrollmentQr").queryAs(javafx.scene.image.ImageView.class);
        assertFalse(fx(() -> robot.lookup("#copyEnrollment").queryButton().isDisabled()));
        javafx.geometry.Bounds inScene = fx(() -> qr.localToScene(qr.getBoundsInLocal()));
        double w = fx(() -> qr.getScene().getWidth());
        double h = fx(() -> qr.getScene().getHeight());
        assertTrue(inScene.getMinX() >= 0 && inScene.getMinY() >= 0 && inScene.getMaxX() <= w && inScene.getMaxY() <= h,
                "the whole QR code is inside the dialog: " + inScene + " in " + w + "x" + h);
        robot.interact(() -> robot.lookup("#copyEnrollment").queryButton().fire());
        String copied = fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString());
        assertTrue(copied.startsWith("qstcs"), copied);
        robot.interact(() -> ((javafx.stage.Stage) qr.getScene().getWindow()).close());
    }

    @Test
    void theEventLogFiltersSearchesAndExportsWhatItShows(FxRobot robot) throws Exception {
        await(20, () -> model.streamProperty().get() == ConsoleModel.StreamState.LIVE);
        operator().forceAttack();
        operator().reset();
        await(20, () -> model.auditEntries().stream().anyMatch(e -> e.type().equals("reset")));
        robot.clickOn("#consoleMenu").clickOn("#menuEventLog");
        EventLogView log = view.eventLog;
        robot.interact(() -> log.severity.getSelectionModel().select("Critical"));
        assertTrue(fx(() -> !log.table.getItems().isEmpty()
                && log.table.getItems().stream().allMatch(e -> e.severity() == AuditEntry.Severity.CRITICAL)));
        robot.interact(() -> {
            log.severity.getSelectionModel().select(EventLogView.ALL);
            log.search.setText("forced");
        });
        assertTrue(fx(() -> !log.table.getItems().isEmpty() && log.table.getItems().stream()
                .allMatch(e -> (e.type() + e.detail()).toLowerCase().contains("forced"))));
        robot.interact(() -> {
            log.search.setText("");
            log.type.getSelectionModel().select("reset");
        });
        int shown = fx(() -> log.table.getItems().size());
        assertTrue(shown >= 1);
        assertEquals("Link reset", fx(() -> log.table.getColumns().get(2).getCellData(0)), "a readable name");

        Path dir = Files.createTempDirectory("qstcs-log");
        WaitForAsyncUtils.asyncFx(() -> {
            log.exportCsv(dir.resolve("events.csv"));
            log.exportJson(dir.resolve("events.json"));
            return null;
        }).get(5, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(dir.resolve("events.csv"));
        assertEquals("id,time_utc,severity,event,kind,actor,detail", lines.getFirst());
        assertEquals(shown + 1, lines.size());
        assertTrue(lines.get(1).contains("\"reset\""), lines.get(1));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("events.json").toFile());
        assertEquals(shown, json.size());
        assertEquals("reset", json.get(0).path("kind").asText());

        robot.interact(() -> log.type.getSelectionModel().select(EventLogView.ALL));
        int before = fx(() -> log.table.getItems().size());
        robot.clickOn("#logOlder");
        await(20, () -> log.count.getText().contains("whole log") || log.table.getItems().size() > before);
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
    }

    private static void await(int seconds, Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> fx(condition));
    }
}
