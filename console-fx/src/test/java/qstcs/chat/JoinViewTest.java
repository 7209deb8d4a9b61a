package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.CaFingerprint;

/** The join view: plain-words errors for what a soldier can get wrong before any server answers. */
@ExtendWith(ApplicationExtension.class)
class JoinViewTest {
    private ChatWindow window;
    private int kmsPort;

    @Start
    void start(Stage stage) throws IOException {
        Path home = Files.createTempDirectory("qstcs-join");
        kmsPort = freePort();
        // Soldier_Alpha enrolled earlier on this computer; its key service is now down.
        new DeviceCredentials("Soldier_Alpha", "not-a-real-token", URI.create("https://127.0.0.1:" + kmsPort),
                URI.create("wss://127.0.0.1:" + freePort()), CaFingerprint.parse("sha256:" + "ab".repeat(32)))
                .save(home);
        window = new ChatWindow(ChatOptions.parse("--home", home.toString()));
        window.show(stage);
    }

    @Test
    void defaultsPointAtTheTlsPorts(FxRobot robot) {
        assertEquals("https://localhost:8443", robot.lookup("#kms").queryAs(javafx.scene.control.TextField.class).getText());
        assertEquals("wss://localhost:8765", robot.lookup("#relay").queryAs(javafx.scene.control.TextField.class).getText());
    }

    @Test
    void aDeviceWithoutCredentialsIsToldHowToEnroll(FxRobot robot) {
        robot.clickOn("#device").write("Soldier_Bravo");
        robot.clickOn("#join");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Soldier_Bravo is not enrolled on this computer. Paste the enrollment string (qstcs://…) from"
                        + " the operator: ./qstcs enroll Soldier_Bravo on the key service's machine, or Ctrl+E in the"
                        + " SOC console.", robot.lookup("#join-error").queryAs(Label.class).getText());
        assertEquals(ChatModel.Screen.JOIN, window.model().screenProperty().get());
    }

    @Test
    void anUnreachableKmsAtStartUpIsRetriedWithACountdownAndExplainedInPlainWords(FxRobot robot) throws Exception {
        robot.clickOn("#device").write("Soldier_Alpha");
        robot.clickOn("#join");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#retry-bar").query().isVisible());
        // The window stays in the conversation view and keeps trying; it does not drop to the join view.
        assertEquals(ChatModel.Screen.CHAT, window.model().screenProperty().get());
        String text = robot.lookup("#retry-text").queryAs(Label.class).getText();
        assertTrue(text.startsWith("Cannot reach the key service at https://127.0.0.1:" + kmsPort), text);
        assertTrue(text.contains("connection refused"), text);
        assertTrue(text.matches("(?s).*Trying again in \\d+ s\\..*"), text);
        assertFalse(text.contains("Exception"), text);
        assertTrue(robot.lookup("#connection").queryAs(Label.class).getText().startsWith("key service unreachable · retry in"));
        assertEquals("Link UNKNOWN — key service unreachable", robot.lookup("#link-text").queryAs(Label.class).getText());
        assertEquals("no key", robot.lookup("#e2e-badge").queryAs(Label.class).getText());
        robot.interact(() -> Snapshots.write(window.scene().getRoot(), "chat-startup-retry"));

        // "Retry now" tries at once: the attempt fails again and a new countdown starts.
        long attempts = window.model().retriesScheduled();
        robot.clickOn("#retry-now");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> window.model().retriesScheduled() > attempts);
        assertEquals(ChatModel.Screen.CHAT, window.model().screenProperty().get());
    }

    @Test
    void badInputIsRefusedBeforeConnecting(FxRobot robot) {
        robot.clickOn("#device").write("Soldier Alpha");
        robot.clickOn("#join");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#join-error").queryAs(Label.class).getText().startsWith("Device id must be"));

        robot.doubleClickOn("#device").eraseText(20).write("Soldier_Alpha");
        robot.doubleClickOn("#kms").eraseText(40).write("localhost:8000");
        robot.clickOn("#join");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("The KMS address must start with http:// or https://, got 'localhost:8000'.",
                robot.lookup("#join-error").queryAs(Label.class).getText());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
