package qstcs.console;

import static qstcs.console.ScreenshotSupport.fx;
import static qstcs.console.ScreenshotSupport.snapshot;
import static qstcs.console.ScreenshotSupport.waitFor;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import qstcs.client.KmsOperatorClient;
import qstcs.client.KmsTrust;
import qstcs.client.OperatorToken;
import qstcs.kms.KmsServer;
import qstcs.relay.RelayServer;
import qstcs.relay.RelaySettings;

/**
 * Screenshots of the operator board against a real KMS and relay at a given window size: the
 * Link tab while RED with the alarm banner, the alarm list, the trends after an attack and a
 * reset, and the device screen. Run under a display, e.g. {@code xvfb-run -a -s '-screen 0
 * 1920x1080x24' java -Dprism.order=sw -cp <test class path> qstcs.console.BoardScreenshots assets 1920 1080}.
 */
public final class BoardScreenshots {

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "assets");
        int width = args.length > 2 ? Integer.parseInt(args[1]) : 1920;
        int height = args.length > 2 ? Integer.parseInt(args[2]) : 1080;
        String size = width + "x" + height;
        Files.createDirectories(out);
        Path home = KmsServer.tempHome("qstcs-board-shots");
        try (KmsServer kms = KmsServer.startOnLoopback(home, "--round-ms", "500");
             RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests().withKms(URI.create(kms.plainUrl())))) {
            Platform.startup(() -> { });
            KmsOperatorClient operator = new KmsOperatorClient(ConsoleApp.httpClient(KmsTrust.load(home, Map.of())),
                    okhttp3.HttpUrl.get(kms.tlsUrl()), OperatorToken.load(home, Map.of()));
            // Two soldiers online, so the device screen shows "last seen" and "online on the relay".
            String relayUrl = "ws://127.0.0.1:" + relay.port();
            qstcs.crypto.tls.CaFingerprint pin = KmsTrust.load(home, Map.of()).orElseThrow().pin();
            qstcs.client.SecureChatSession alpha = new qstcs.client.SecureChatSession(qstcs.client.ClientConfig.of(
                    "Soldier_Alpha", kms.tlsUrl(), relayUrl).withCaFingerprint(pin)
                    .withDeviceToken(kms.issueDeviceToken("Soldier_Alpha")));
            qstcs.client.SecureChatSession bravo = new qstcs.client.SecureChatSession(qstcs.client.ClientConfig.of(
                    "Soldier_Bravo", kms.tlsUrl(), relayUrl).withCaFingerprint(pin)
                    .withDeviceToken(kms.issueDeviceToken("Soldier_Bravo")));
            alpha.start("Soldier_Bravo");
            bravo.start("Soldier_Alpha");
            kms.issueDeviceToken("Soldier_Charlie");
            operator.revokeDevice("Soldier_Charlie");
            operator.issueSaeCertificate("sae-hq-encryptor");
            operator.issueSaeCertificate("sae-backup-link");
            operator.revokeSaeCertificates("sae-backup-link");
            Thread.sleep(20_000); // some history before the attack
            operator.setEve(true, 0.2);
            Thread.sleep(8_000);
            operator.setEve(false, 0);
            Thread.sleep(6_000);

            ConsoleModel[] model = new ConsoleModel[1];
            Stage[] stage = new Stage[1];
            ConsoleView[] view = new ConsoleView[1];
            fx(() -> {
                ConsoleOptions options = ConsoleOptions.parse(List.of("--home", home.toString(), "--kms", kms.tlsUrl(),
                        "--relay", "ws://127.0.0.1:" + relay.port()), Map.of());
                model[0] = ConsoleApp.createModel(options, Map.of());
                view[0] = new ConsoleView(model[0], new Label("visualiser"));
                stage[0] = new Stage();
                stage[0].setTitle("QSTCS SOC console");
                stage[0].setScene(new Scene(view[0], width, height));
                stage[0].show();
                model[0].start();
                return null;
            });
            waitFor(() -> fx(() -> model[0].streamProperty().get() == ConsoleModel.StreamState.LIVE));
            operator.forceAttack("screenshot drill");
            waitFor(() -> fx(() -> view[0].alarmBanner.isVisible()));
            Thread.sleep(4_000);
            snapshot(stage[0], out.resolve("console-red-alarm-" + size + ".png"));
            fx(() -> {
                view[0].tabs.getSelectionModel().select(view[0].tabs.getTabs().stream()
                        .filter(t -> "alarmsTab".equals(t.getId())).findFirst().orElseThrow());
                return null;
            });
            Thread.sleep(1_000);
            snapshot(stage[0], out.resolve("console-alarms-" + size + ".png"));
            operator.reset("screenshot: back to GREEN");
            Thread.sleep(6_000);
            fx(() -> {
                model[0].trends.rangeProperty().set(LinkTrends.Range.FIVE_MINUTES);
                view[0].tabs.getSelectionModel().select(view[0].tabs.getTabs().stream()
                        .filter(t -> "trendsTab".equals(t.getId())).findFirst().orElseThrow());
                return null;
            });
            Thread.sleep(3_000);
            snapshot(stage[0], out.resolve("console-trends-" + size + ".png"));
            fx(() -> {
                view[0].tabs.getSelectionModel().select(view[0].tabs.getTabs().stream()
                        .filter(t -> "devicesTab".equals(t.getId())).findFirst().orElseThrow());
                return null;
            });
            waitFor(() -> fx(() -> view[0].devices.devices.getItems().size() == 3
                    && view[0].devices.certificates.getItems().size() == 2));
            Thread.sleep(1_000);
            snapshot(stage[0], out.resolve("console-devices-" + size + ".png"));
            fx(() -> {
                view[0].tabs.getSelectionModel().select(view[0].tabs.getTabs().stream()
                        .filter(t -> "eventLogTab".equals(t.getId())).findFirst().orElseThrow());
                return null;
            });
            Thread.sleep(1_000);
            snapshot(stage[0], out.resolve("console-event-log-" + size + ".png"));
            fx(() -> {
                model[0].close();
                return null;
            });
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
