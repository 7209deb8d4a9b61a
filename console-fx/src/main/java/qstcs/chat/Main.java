package qstcs.chat;

import java.io.IOException;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.stage.Stage;
import qstcs.client.ClientException;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.client.Enrollment;
import qstcs.crypto.tls.EnrollmentUri;

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
        if (options.enrollOnly()) {
            System.exit(enrollOnly(options.enroll().orElseThrow(), options.home()));
            return;
        }
        Platform.setImplicitExit(true);
        Platform.startup(() -> {
            Stage stage = new Stage();
            new ChatWindow(options).show(stage);
        });
    }

    /** {@code --enroll STRING --enroll-only}: redeems the string, saves the credentials, opens no window. */
    static int enrollOnly(String enrollment, Path home) {
        try {
            EnrollmentUri uri = EnrollmentUri.parse(enrollment);
            DeviceCredentials credentials = Enrollment.enroll(uri);
            Path file = credentials.save(home);
            System.out.println(uri.deviceId() + " is enrolled: credentials saved to " + file
                    + "\nStart its chat with: ./qstcs chat --device " + uri.deviceId() + " --home " + home);
            return 0;
        } catch (IllegalArgumentException | ClientException | IOException e) {
            System.err.println("qstcs chat: " + e.getMessage());
            return 1;
        }
    }
}
