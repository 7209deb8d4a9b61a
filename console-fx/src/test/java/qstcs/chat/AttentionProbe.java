package qstcs.chat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * A child process for {@link X11WindowAttentionIT}: on a real X display it opens a window with the
 * chat's title and then another window that takes the focus, and marks or clears the chat window
 * when told on standard input ({@code request}, {@code clear}, {@code quit}), answering {@code done}.
 */
public final class AttentionProbe {
    static final String OTHER_TITLE = "Probe: the window the user works in";

    private AttentionProbe() {
    }

    public static void main(String[] args) throws Exception {
        String device = args[0];
        Platform.startup(() -> {
            Stage chat = new Stage();
            chat.setTitle(ChatWindow.title(device, 3));
            chat.setScene(new Scene(new StackPane(new Label("chat")), 320, 200));
            chat.setX(20);
            chat.setY(20);
            chat.show();
            Stage other = new Stage();
            other.setTitle(OTHER_TITLE);
            other.setScene(new Scene(new StackPane(new Label("other")), 320, 200));
            other.setX(400);
            other.setY(20);
            other.show();
        });
        WindowAttention x11 = new X11WindowAttention(device, ProcessHandle.current().pid(), X11WindowAttention.Commands.SYSTEM);
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.strip()) {
                case "request" -> x11.request();
                case "clear" -> x11.clear();
                case "quit" -> {
                    Platform.exit();
                    return;
                }
                default -> {
                }
            }
            System.out.println("done");
        }
        Platform.exit();
    }
}
