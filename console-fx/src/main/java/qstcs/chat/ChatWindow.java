package qstcs.chat;

import java.util.Objects;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;
import qstcs.fx.WindowPlacement;

/**
 * Puts the join view and the chat view in one stage and switches between them as the model says.
 * The window title carries the device id so that two soldiers' windows on one screen are told apart.
 */
public final class ChatWindow {
    static final String STYLESHEET = "/qstcs/chat/chat.css";

    private final ChatModel model = new ChatModel();
    private final JoinView join;
    private final ChatView chat;
    private final Scene scene;
    private final StackPane root = new StackPane();
    private ChatTheme theme;
    /** How the window is marked for attention, per device id (the window's title names it). */
    private java.util.function.Function<String, WindowAttention> attention = cachedAttention();
    private final java.util.concurrent.ExecutorService attentionCalls = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofVirtual().name("qstcs-attention").factory());
    /** Text size in px; Ctrl+/- steps it, every size in chat.css is relative to it (em). */
    private double fontSize = DEFAULT_FONT_SIZE;
    static final double DEFAULT_FONT_SIZE = 14;
    private static final double MIN_FONT_SIZE = 10;
    private static final double MAX_FONT_SIZE = 28;

    public ChatWindow(ChatOptions options) {
        join = new JoinView(model, options);
        chat = new ChatView(model);
        root.getStyleClass().add("chat-root");
        setTheme(options.theme());
        applyFontSize();
        chat.themeToggle.setOnAction(e -> setTheme(theme.other()));
        model.screenProperty().addListener((o, was, now) -> root.getChildren().setAll(now == ChatModel.Screen.JOIN ? join : chat));
        root.getChildren().setAll(join);
        scene = new Scene(root, 760, 520);
        scene.getStylesheets().add(Objects.requireNonNull(ChatWindow.class.getResource(STYLESHEET)).toExternalForm());
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (!e.isShortcutDown()) {
                return;
            }
            switch (e.getCode()) {
                case PLUS, EQUALS, ADD -> zoom(+1);
                case MINUS, SUBTRACT -> zoom(-1);
                case DIGIT0, NUMPAD0 -> zoom(0);
                case T -> setTheme(theme.other());
                default -> {
                    return;
                }
            }
            e.consume();
        });
        model.useHome(options.home());
        model.startFresh(options.freshHistory());
        model.useIdentityAlgorithm(options.identityAlgorithm());
        model.useKme(options.kme());
        if (options.enroll().isPresent()) {
            model.joinWithEnrollment(options.enroll().get(), options.peer().orElse(null), options.pqc());
        } else {
            options.device().ifPresent(d -> model.join(d, options.kmsUrl(), options.relayUrl(),
                    options.peer().orElse(null), options.pqc()));
        }
    }

    /** Shows the window on {@code stage}, placed where the launcher asked ({@code -Dqstcs.window}). */
    public void show(Stage stage) {
        // Set on each change rather than bound: a bound title could not be set by anyone else (the
        // console's alarm attention sets titles on shared stages in tests).
        Runnable title = () -> stage.setTitle(title(model.deviceIdProperty().get(), model.unreadTotalProperty().get()));
        model.deviceIdProperty().addListener((o, was, now) -> title.run());
        model.unreadTotalProperty().addListener((o, was, now) -> title.run());
        title.run();
        // Messages count as read only while the soldier can see them.
        stage.focusedProperty().addListener((o, was, now) -> model.setWindowFocused(now));
        watchAttention();
        stage.setScene(scene);
        stage.setMinWidth(560);
        stage.setMinHeight(400);
        WindowPlacement.applyRequested(stage);
        stage.setOnHidden(e -> {
            model.leave();
            attentionCalls.shutdown();
        });
        stage.setOnCloseRequest(e -> model.closeWarning().ifPresent(warning -> {
            javafx.scene.control.ButtonType close = new javafx.scene.control.ButtonType("Close anyway",
                    javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
            javafx.scene.control.ButtonType stay = new javafx.scene.control.ButtonType("Keep the window open",
                    javafx.scene.control.ButtonBar.ButtonData.CANCEL_CLOSE);
            javafx.scene.control.Alert ask = new javafx.scene.control.Alert(
                    javafx.scene.control.Alert.AlertType.WARNING, warning, close, stay);
            ask.initOwner(stage);
            ask.setHeaderText("Messages not delivered yet");
            if (ask.showAndWait().orElse(stay) != close) {
                e.consume();
            }
        }));
        stage.show();
        if (model.screenProperty().get() == ChatModel.Screen.CHAT) {
            chat.composer.requestFocus();
        }
        model.screenProperty().addListener((o, was, now) -> {
            if (now == ChatModel.Screen.CHAT) {
                chat.composer.requestFocus();
            }
        });
    }

    /**
     * Marks the window in the taskbar when a message arrives while it is in the background, once,
     * and takes the mark away when the soldier looks ({@link AttentionState}); the marking itself
     * ({@link WindowAttention}) may start a process, so it runs on its own thread, in order.
     */
    private void watchAttention() {
        AttentionState state = new AttentionState();
        java.util.function.Consumer<AttentionState.Step> apply = step -> {
            if (step == AttentionState.Step.NOTHING) {
                return;
            }
            String device = model.deviceIdProperty().get();
            // Finding out what the desktop offers may load AWT or scan the PATH: not on the FX thread either.
            attentionCalls.execute(() -> {
                WindowAttention w = attention.apply(device);
                if (step == AttentionState.Step.REQUEST) {
                    w.request();
                } else {
                    w.clear();
                }
            });
        };
        model.windowFocusedProperty().addListener((o, was, now) -> apply.accept(state.focusChanged(now)));
        model.unreadTotalProperty().addListener((o, was, now) -> apply.accept(state.unreadChanged(was.intValue(), now.intValue())));
        state.focusChanged(model.windowFocusedProperty().get());
    }

    /** Replaces how the window is marked (tests record the calls instead of marking a real window). */
    void useAttention(java.util.function.Function<String, WindowAttention> forDevice) {
        attention = forDevice;
    }

    /** "(3) QSTCS Secure Chat — Soldier_Alpha": the unread count leads, so the taskbar entry shows it. */
    static String title(String device, int unread) {
        String base = device.isEmpty() ? "QSTCS Secure Chat" : "QSTCS Secure Chat — " + device;
        return unread > 0 ? "(" + unread + ") " + base : base;
    }

    /** Switches the palette (dark like the console, or light). */
    public void setTheme(ChatTheme t) {
        if (theme != null) {
            root.getStyleClass().remove(theme.styleClass());
        }
        theme = t;
        root.getStyleClass().add(t.styleClass());
        chat.themeToggle.setText(t == ChatTheme.DARK ? "☀" : "☾");
    }

    public ChatTheme theme() {
        return theme;
    }

    /** +1 larger, -1 smaller, 0 back to the default size. */
    void zoom(int step) {
        fontSize = step == 0 ? DEFAULT_FONT_SIZE : Math.clamp(fontSize + 2 * step, MIN_FONT_SIZE, MAX_FONT_SIZE);
        applyFontSize();
    }

    double fontSize() {
        return fontSize;
    }

    private void applyFontSize() {
        root.setStyle("-fx-font-size: " + fontSize + "px;");
    }

    private static java.util.function.Function<String, WindowAttention> cachedAttention() {
        java.util.Map<String, WindowAttention> made = new java.util.concurrent.ConcurrentHashMap<>();
        return device -> made.computeIfAbsent(device, WindowAttention::forThisDesktop);
    }

    JoinView joinView() {
        return join;
    }

    ChatView chatView() {
        return chat;
    }

    /**
     * Takes the window's content out of its scene, styled, to dock it in another window (the
     * demo's one-window presenter layout); {@link #show} must not be called afterwards.
     */
    public javafx.scene.Parent dock() {
        scene.setRoot(new StackPane());
        root.getStylesheets().add(Objects.requireNonNull(ChatWindow.class.getResource(STYLESHEET)).toExternalForm());
        return root;
    }

    public ChatModel model() {
        return model;
    }

    public Scene scene() {
        return scene;
    }
}
