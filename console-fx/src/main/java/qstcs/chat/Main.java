package qstcs.chat;

import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * {@code ./qstcs chat}: parses the command line, then opens the chat window. Deliberately not a
 * JavaFX {@code Application} subclass, so that it starts from the plain class path (BUILD-NOTES).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(ChatOptions.USAGE);
                return;
            }
        }
        ChatOptions options;
        try {
            options = ChatOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("qstcs chat: " + e.getMessage());
            System.err.print(ChatOptions.USAGE);
            System.exit(2);
            return;
        }
        Platform.setImplicitExit(true);
        Platform.startup(() -> {
            Stage stage = new Stage();
            new ChatWindow(options).show(stage);
        });
    }
}
