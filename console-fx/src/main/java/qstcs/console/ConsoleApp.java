package qstcs.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import okhttp3.OkHttpClient;
import qstcs.client.KmsTrust;
import qstcs.client.OperatorToken;
import qstcs.console.visualiser.VisualiserModel;
import qstcs.console.visualiser.VisualiserView;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.fx.WindowPlacement;

/**
 * The JavaFX application behind {@code ./qstcs console}. Kept separate from {@link Main} because a
 * main class that extends {@code Application} does not start from the plain class path.
 */
public final class ConsoleApp extends Application {
    static final double WIDTH = 1280;
    static final double HEIGHT = 800;
    private ConsoleModel model;

    @Override
    public void start(Stage stage) throws Exception {
        ConsoleOptions options = ConsoleOptions.parse(getParameters().getRaw(), System.getenv());
        model = createModel(options, System.getenv());
        stage.setTitle("QSTCS SOC console — simulated quantum link");
        stage.setScene(new Scene(new ConsoleView(model, visualiser()), WIDTH, HEIGHT));
        stage.setMinWidth(1100);
        stage.setMinHeight(720);
        WindowPlacement.applyRequested(stage);
        stage.show();
        model.start();
    }

    @Override
    public void stop() {
        if (model != null) {
            model.close();
        }
    }

    /**
     * One HTTP client for the KMS and the relay, so transport security is decided in one place:
     * https:// trusts exactly the pinned QSTCS CA, never the system's public CAs.
     */
    static OkHttpClient httpClient(Optional<PinnedCaTrust> trust) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(15));
        trust.ifPresent(t -> b.sslSocketFactory(t.sslContext().getSocketFactory(), t.trustManager()));
        return b.build();
    }

    static ConsoleModel createModel(ConsoleOptions options, Map<String, String> env) {
        return new ConsoleModel(httpClient(KmsTrust.load(options.home(), env)), options.kmsUrl(), options.relayUrl(),
                OperatorToken.load(options.home(), env));
    }

    /** The BB84 tab: each round gets a fresh random seed; the at-scale round runs on a daemon thread. */
    static Node visualiser() {
        java.util.random.RandomGenerator seeds = new java.security.SecureRandom();
        return new VisualiserView(new VisualiserModel(seeds::nextLong, VISUALISER_WORKER));
    }

    private static final java.util.concurrent.Executor VISUALISER_WORKER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bb84-visualiser");
        t.setDaemon(true);
        return t;
    });

    static void launchWith(List<String> args) {
        Application.launch(ConsoleApp.class, args.toArray(String[]::new));
    }
}
