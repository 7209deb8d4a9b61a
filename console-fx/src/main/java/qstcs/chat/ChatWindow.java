package qstcs.chat;

import java.util.Objects;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
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

    public ChatWindow(ChatOptions options) {
        join = new JoinView(model, options);
        chat = new ChatView(model);
        StackPane root = new StackPane();
        root.getStyleClass().add("chat-root");
        model.screenProperty().addListener((o, was, now) -> root.getChildren().setAll(now == ChatModel.Screen.JOIN ? join : chat));
        root.getChildren().setAll(join);
        scene = new Scene(root, 760, 520);
        scene.getStylesheets().add(Objects.requireNonNull(ChatWindow.class.getResource(STYLESHEET)).toExternalForm());
        model.useHome(options.home());
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
        // Set on each change rather than bound: a bound title could not be set by anyone else.
        Runnable title = () -> stage.setTitle(model.deviceIdProperty().get().isEmpty()
                ? "QSTCS Secure Chat" : "QSTCS Secure Chat — " + model.deviceIdProperty().get());
        model.deviceIdProperty().addListener((o, was, now) -> title.run());
        title.run();
        stage.setScene(scene);
        stage.setMinWidth(560);
        stage.setMinHeight(400);
        WindowPlacement.applyRequested(stage);
        stage.setOnHidden(e -> model.leave());
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
     * Takes the window's content out of its scene, styled, to dock it in another window (the
     * demo's one-window presenter layout); {@link #show} must not be called afterwards.
     */
    public javafx.scene.Parent dock() {
        javafx.scene.Parent root = scene.getRoot();
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
