package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The join view: plain-words errors for what a soldier can get wrong before any server answers. */
@ExtendWith(ApplicationExtension.class)
class JoinViewTest {
    private ChatWindow window;

    @Start
    void start(Stage stage) {
        window = new ChatWindow(ChatOptions.parse("--kms", "http://127.0.0.1:" + freePort(), "--relay",
                "ws://127.0.0.1:" + freePort()));
        window.show(stage);
    }

    @Test
    void unreachableKmsIsExplainedInPlainWords(FxRobot robot) throws Exception {
        robot.clickOn("#device").write("Soldier_Alpha");
        robot.clickOn("#join");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> !robot.lookup("#join-error").queryAs(Label.class).getText().isEmpty());
        String error = robot.lookup("#join-error").queryAs(Label.class).getText();
        assertTrue(error.startsWith("Cannot reach the key service at http://127.0.0.1:"), error);
        assertTrue(error.contains("connection refused"), error);
        assertFalse(error.contains("Exception"), error);
        assertEquals(ChatModel.Screen.JOIN, window.model().screenProperty().get());
        robot.interact(() -> Snapshots.write(window.scene().getRoot(), "join-kms-unreachable"));
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
            throw new IllegalStateException(e);
        }
    }
}
