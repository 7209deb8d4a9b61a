package qstcs.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import qstcs.chat.ChatOptions;
import qstcs.chat.ChatWindow;
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
    /**
     * The smallest window, title bar included, that still shows every tile: it fits a 1366×768
     * laptop whose panel and title bar leave about 1366×700.
     */
    static final double MIN_WIDTH = 1000;
    static final double MIN_HEIGHT = 640;
    /** Width of the column of docked chats in the presenter layout. */
    static final double DOCK_WIDTH = 400;
    private ConsoleModel model;
    private final List<ChatWindow> docked = new java.util.ArrayList<>();

    @Override
    public void start(Stage stage) throws Exception {
        ConsoleOptions options = ConsoleOptions.parse(getParameters().getRaw(), System.getenv());
        model = createModel(options, System.getenv());
        stage.setTitle("QSTCS SOC console — simulated quantum link");
        ConsoleView view = new ConsoleView(model, visualiser());
        Parent root = view;
        if (!options.dockedChats().isEmpty()) {
            List<Node> panes = new java.util.ArrayList<>();
            for (ConsoleOptions.DockedChat c : options.dockedChats()) {
                java.util.List<String> chatArgs = new java.util.ArrayList<>(java.util.List.of("--device", c.device(),
                        "--peer", c.peer(), "--home", options.home().toString()));
                if (options.freshChatHistory()) {
                    chatArgs.add("--fresh-history");
                }
                ChatWindow chat = new ChatWindow(ChatOptions.parse(chatArgs.toArray(String[]::new)));
                docked.add(chat);
                panes.add(dockedChat(c, chat.dock()));
            }
            root = withDockedChats(view, panes);
        }
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(WIDTH + (docked.isEmpty() ? 0 : DOCK_WIDTH), screen.getWidth()),
                Math.min(HEIGHT, screen.getHeight()));
        Theme.apply(scene);
        stage.setScene(scene);
        stage.setMinWidth(Math.min(MIN_WIDTH, screen.getWidth()));
        stage.setMinHeight(Math.min(MIN_HEIGHT, screen.getHeight()));
        WindowPlacement.applyRequested(stage);
        stage.show();
        model.start();
    }

    /** Docked, a chat has no title bar of its own: a caption above it says whose chat it is. */
    static VBox dockedChat(ConsoleOptions.DockedChat c, Parent content) {
        javafx.scene.control.Label whose = new javafx.scene.control.Label(c.device() + " — chat with " + c.peer());
        whose.getStyleClass().add("docked-chat-title");
        whose.setMaxWidth(Double.MAX_VALUE);
        VBox pane = new VBox(whose, content);
        VBox.setVgrow(content, Priority.ALWAYS);
        VBox.setVgrow(pane, Priority.ALWAYS);
        return pane;
    }

    /** The presenter layout: the console with a column of docked chats on its right. */
    static SplitPane withDockedChats(Node console, List<Node> chatPanes) {
        VBox chats = new VBox(6);
        chats.setId("dockedChats");
        chats.getStyleClass().add("docked-chats");
        chats.getChildren().addAll(chatPanes);
        chats.setMinWidth(DOCK_WIDTH * 0.8);
        chats.setPrefWidth(DOCK_WIDTH);
        SplitPane split = new SplitPane(console, chats);
        split.setDividerPositions(0.7);
        SplitPane.setResizableWithParent(chats, false);
        return split;
    }

    /** The last window closed: every client thread stops, so the JVM exits at once. */
    @Override
    public void stop() {
        DemoLauncher.consoleClosed();
        docked.forEach(c -> c.model().leave());
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
