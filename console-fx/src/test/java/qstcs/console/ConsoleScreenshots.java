package qstcs.console;

import static qstcs.console.ScreenshotSupport.fx;
import static qstcs.console.ScreenshotSupport.snapshot;
import static qstcs.console.ScreenshotSupport.waitFor;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import qstcs.client.ClientConfig;
import qstcs.client.KmsTrust;
import qstcs.client.SecureChatSession;
import qstcs.console.visualiser.VisualiserModel;
import qstcs.console.visualiser.VisualiserView;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.kms.KmsServer;
import qstcs.relay.RelayServer;
import qstcs.relay.RelaySettings;

/**
 * Takes the README screenshots of the console against a real KMS and relay (two soldiers online,
 * a router heartbeat, then a forced attack) and of the BB84 visualiser, at 1280×800. Run under a
 * display, e.g. {@code xvfb-run -a -s '-screen 0 1920x1080x24' java -Dprism.order=sw -cp <test
 * class path> qstcs.console.ConsoleScreenshots assets}.
 */
public final class ConsoleScreenshots {
    private static final MediaType JSON = MediaType.get("application/json");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "assets");
        Files.createDirectories(out);
        Path home = KmsServer.tempHome("qstcs-console-test");
        try (KmsServer kms = KmsServer.startOnLoopback(home, "--round-ms", "500");
             RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests().withKms(URI.create(kms.plainUrl())))) {
            Platform.startup(() -> { });
            OkHttpClient http = ConsoleApp.httpClient(KmsTrust.load(home, Map.of()));
            String relayUrl = "ws://127.0.0.1:" + relay.port();
            CaFingerprint pin = KmsTrust.load(home, Map.of()).orElseThrow().pin();
            SecureChatSession alpha = new SecureChatSession(ClientConfig.of("Soldier_Alpha", kms.tlsUrl(), relayUrl).withCaFingerprint(pin)
                    .withDeviceToken(kms.issueDeviceToken("Soldier_Alpha")));
            SecureChatSession bravo = new SecureChatSession(ClientConfig.of("Soldier_Bravo", kms.tlsUrl(), relayUrl).withCaFingerprint(pin)
                    .withDeviceToken(kms.issueDeviceToken("Soldier_Bravo")));
            alpha.start("Soldier_Bravo");
            bravo.start("Soldier_Alpha");

            ConsoleModel[] model = new ConsoleModel[1];
            Stage[] stage = new Stage[1];
            ConsoleView[] view = new ConsoleView[1];
            VisualiserModel[] bb84 = new VisualiserModel[1];
            fx(() -> {
                ConsoleOptions options = ConsoleOptions.parse(List.of("--home", home.toString(), "--kms", kms.tlsUrl(),
                        "--relay", relayUrl), Map.of());
                model[0] = ConsoleApp.createModel(options, Map.of());
                long[] seed = {7};
                bb84[0] = new VisualiserModel(() -> seed[0]++, Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "bb84-visualiser");
                    t.setDaemon(true);
                    return t;
                }));
                VisualiserView visualiser = new VisualiserView(bb84[0]);
                view[0] = new ConsoleView(model[0], visualiser);
                stage[0] = new Stage();
                stage[0].setScene(new Scene(view[0], 1280, 800));
                stage[0].show();
                model[0].start();
                return null;
            });
            heartbeat(http, kms, "ALLOWING", false);
            for (int i = 0; i < 3; i++) {
                alpha.send("Soldier_Bravo", "Checkpoint " + (i + 1) + " clear");
                bravo.send("Soldier_Alpha", "Copy " + (i + 1));
                Thread.sleep(700);
            }
            // Let the history tiles fill for a while.
            Thread.sleep(25_000);
            heartbeat(http, kms, "ALLOWING", false);
            waitFor(() -> "GREEN".equals(fx(() -> model[0].lampProperty().get().name())));
            snapshot(stage[0], out.resolve("console-green.png"));

            fx(() -> {
                model[0].forceAttack("screenshot: a forced attack");
                return null;
            });
            waitFor(() -> "RED".equals(fx(() -> model[0].lampProperty().get().name())));
            heartbeat(http, kms, "BLOCKING", true);
            Thread.sleep(6_000);
            waitFor(() -> fx(() -> view[0].dashboard.gauge.getCurrentValue()) > 20);
            snapshot(stage[0], out.resolve("console-red.png"));

            fx(() -> {
                model[0].reset("screenshot: back to GREEN");
                view[0].tabs.getSelectionModel().select(view[0].tabs.getTabs().stream()
                        .filter(t -> "visualiserTab".equals(t.getId())).findFirst().orElseThrow());
                // A round with channel noise that Cascade had to correct, shown at the Cascade step.
                bb84[0].noiseProperty().set(0.05);
                while (bb84[0].trace().corrections().isEmpty() || bb84[0].roundProperty().get().stats().breach()) {
                    bb84[0].reset();
                }
                while (bb84[0].stageProperty().get() != qstcs.console.visualiser.Bb84Stage.CASCADE) {
                    bb84[0].step();
                }
                return null;
            });
            Thread.sleep(1_500);
            snapshot(stage[0], out.resolve("visualiser.png"));
            alpha.close();
            bravo.close();
            fx(() -> {
                model[0].close();
                return null;
            });
        }
        // Platform.exit() under Xvfb can crash GTK while it tears windows down; the pictures are written.
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void heartbeat(OkHttpClient http, KmsServer kms, String state, boolean rule) throws Exception {
        String body = "{\"router_id\":\"dsl-2750u\",\"state\":\"" + state + "\",\"rule_present\":" + rule + "}";
        String token = java.nio.file.Files.readString(kms.home().resolve("kms/router.token")).strip();
        try (var r = http.newCall(new Request.Builder().url(kms.tlsUrl() + "/router/heartbeat")
                .header("X-Router-Token", token).post(RequestBody.create(body, JSON)).build()).execute()) {
            if (!r.isSuccessful()) {
                System.err.println("heartbeat refused: " + r.code() + " " + r.body().string());
            }
        }
    }
}
