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

    private static final String ENROLLMENT = "qstcs://127.0.0.1:%d/?device=Soldier_Echo&code=K7QX2M9RTB4WZP3H&ca=sha256:"
            + "ab".repeat(32) + "&relay=wss%%3A%%2F%%2F127.0.0.1%%3A8765";

    @Test
    void theEnrollmentStringComesFirstAndNamesTheDevice(FxRobot robot) {
        javafx.scene.Node enroll = robot.lookup("#enroll").query();
        javafx.scene.Node device = robot.lookup("#device").query();
        assertTrue(enroll.localToScene(0, 0).getY() < device.localToScene(0, 0).getY(), "enrollment string above the device id");
        robot.interact(() -> window.joinView().enroll.setText(ENROLLMENT.formatted(kmsPort)));
        assertEquals("Soldier_Echo", robot.lookup("#device").queryAs(javafx.scene.control.TextField.class).getText());
        assertTrue(device.isDisabled(), "the id comes from the string and cannot contradict it");
        assertEquals("https://127.0.0.1:" + kmsPort, robot.lookup("#kms").queryAs(javafx.scene.control.TextField.class).getText());
    }

    @Test
    void anEnrollmentStringNamingAClusterShowsEveryRelay(FxRobot robot) {
        String two = ENROLLMENT.formatted(kmsPort) + "%2Cwss%3A%2F%2F127.0.0.2%3A8765";
        robot.interact(() -> window.joinView().enroll.setText(two));
        javafx.scene.control.TextField relay = robot.lookup("#relay").queryAs(javafx.scene.control.TextField.class);
        assertEquals("wss://127.0.0.1:8765,wss://127.0.0.2:8765", relay.getText());
        assertTrue(relay.isDisabled(), "the relays come from the string");
        assertEquals("Relays", robot.lookup("#relay-label").queryAs(Label.class).getText());
    }

    @Test
    void pasteTakesTheEnrollmentStringFromTheClipboard(FxRobot robot) {
        String uri = ENROLLMENT.formatted(kmsPort);
        robot.interact(() -> {
            javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
            c.putString("  " + uri + "\n");
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
        });
        robot.clickOn("#paste");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(uri, robot.lookup("#enroll").queryAs(javafx.scene.control.TextField.class).getText());
        assertEquals("Soldier_Echo", robot.lookup("#device").queryAs(javafx.scene.control.TextField.class).getText());
    }

    @Test
    void aQrImageOrScreenCaptureFillsTheEnrollmentString(FxRobot robot) throws Exception {
        String uri = ENROLLMENT.formatted(kmsPort);
        Path png = Files.createTempFile("enrollment-qr", ".png");
        robot.interact(() -> {
            try {
                javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(qstcs.fx.QrCode.image(uri, 4), null),
                        "png", png.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            window.joinView().imageChooser = owner -> java.util.Optional.of(png);
        });
        robot.clickOn("#open-qr");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(uri, robot.lookup("#enroll").queryAs(javafx.scene.control.TextField.class).getText());
        assertFalse(robot.lookup("#join-error").queryAs(Label.class).isVisible());

        Path noCode = Files.createTempFile("holiday", ".png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(120, 80, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                noCode.toFile());
        robot.interact(() -> window.joinView().imageChooser = owner -> java.util.Optional.of(noCode));
        robot.clickOn("#open-qr");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#join-error").queryAs(Label.class).getText().startsWith("No QR code found in holiday"),
                robot.lookup("#join-error").queryAs(Label.class).getText());
    }

    @Test
    void enrollingShowsProgressNotAnError(FxRobot robot) throws Exception {
        // The string names a key service that does not answer: first progress, then the error.
        robot.interact(() -> window.joinView().enroll.setText(ENROLLMENT.formatted(kmsPort)));
        robot.clickOn("#join");
        WaitForAsyncUtils.waitForFxEvents();
        String progress = window.model().joinProgressProperty().get();
        String error = window.model().joinErrorProperty().get();
        assertTrue(progress.startsWith("Enrolling Soldier_Echo") || error.startsWith("Cannot reach"), progress + " / " + error);
        if (!progress.isEmpty()) {
            assertTrue(robot.lookup("#join-progress").queryAs(Label.class).isVisible());
            assertEquals("", robot.lookup("#join-error").queryAs(Label.class).getText(), "progress is not shown as an error");
        }
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !window.model().joinErrorProperty().get().isEmpty());
        assertEquals("", window.model().joinProgressProperty().get());
        assertTrue(window.model().joinErrorProperty().get().startsWith("Cannot reach the key service"),
                window.model().joinErrorProperty().get());
    }

    @Test
    void darkByDefaultCtrlTSwitchesAndCtrlPlusMinusZoom(FxRobot robot) {
        javafx.scene.Parent root = window.scene().getRoot();
        assertTrue(root.getStyleClass().contains("theme-dark"), root.getStyleClass().toString());
        robot.press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.T).release(javafx.scene.input.KeyCode.CONTROL);
        assertTrue(root.getStyleClass().contains("theme-light") && !root.getStyleClass().contains("theme-dark"));
        double before = window.fontSize();
        robot.press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.EQUALS).type(javafx.scene.input.KeyCode.EQUALS)
                .release(javafx.scene.input.KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(before + 4, window.fontSize());
        double titleSize = robot.lookup(".join-title").queryAs(Label.class).getFont().getSize();
        assertTrue(titleSize > 1.4 * before, "sizes are relative to the root, so the title grew too: " + titleSize);
        robot.press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.MINUS).release(javafx.scene.input.KeyCode.CONTROL);
        assertEquals(before + 2, window.fontSize());
        robot.press(javafx.scene.input.KeyCode.CONTROL).type(javafx.scene.input.KeyCode.DIGIT0).release(javafx.scene.input.KeyCode.CONTROL);
        assertEquals(ChatWindow.DEFAULT_FONT_SIZE, window.fontSize());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
