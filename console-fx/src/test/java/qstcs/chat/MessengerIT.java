package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.DeviceIdentity;
import qstcs.client.LiveServers;
import qstcs.client.SecureChatSession;

/**
 * Two real chat windows over the real KMS and relay, as a messenger user meets them: unread
 * counts in the title and an in-app notification while the window is in the background (read only
 * once it has the focus), a message from someone new, a conversation started from the directory,
 * and verification: the same safety number in both windows, the verified badge, and the warning
 * when the peer's identity key changes. With {@code -Dqstcs.screenshots=DIR} it also writes the
 * docs' images (dark, light, verification).
 */
@ExtendWith(ApplicationExtension.class)
class MessengerIT {
    private static LiveServers servers;
    private ChatWindow alpha;
    private ChatWindow bravo;
    private Stage alphaStage;
    private Stage bravoStage;

    @BeforeAll
    static void servers() {
        servers = LiveServers.shared();
    }

    @Start
    void start(Stage stage) {
        alphaStage = stage;
        bravoStage = new Stage();
    }

    /**
     * Opens the two windows; each test has its own device ids, since every window makes (and
     * publishes) a fresh identity key and a test must not see another test's keys as "changed".
     */
    private void open(FxRobot robot, String a, String b) {
        robot.interact(() -> {
            alpha = new ChatWindow(ChatOptions.parse("--device", a, "--peer", b, "--pqc",
                    "--home", servers.homeWith(a).toString()));
            alpha.show(alphaStage);
            bravo = new ChatWindow(ChatOptions.parse("--device", b, "--peer", a, "--pqc",
                    "--home", servers.homeWith(b).toString()));
            bravo.show(bravoStage);
        });
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(() -> {
            if (alpha != null) {
                alpha.model().leave();
                bravo.model().leave();
            }
        });
    }

    private void awaitOnline() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> alpha.model().connectionProperty().get() == ConnectionState.ONLINE
                && bravo.model().connectionProperty().get() == ConnectionState.ONLINE);
    }

    /** The taskbar marks the window asked for, as the desktop would receive them. */
    private static final class RecordedAttention implements WindowAttention {
        final java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void request() {
            calls.add("request");
        }

        @Override
        public void clear() {
            calls.add("clear");
        }

        @Override
        public String mechanism() {
            return "recorded";
        }
    }

    @Test
    void unreadCountsAndNotificationsWhileInTheBackground(FxRobot robot) throws Exception {
        open(robot, "Msg_Alpha", "Msg_Bravo");
        RecordedAttention taskbar = new RecordedAttention();
        alpha.useAttention(device -> taskbar);
        awaitOnline();
        robot.interact(() -> alpha.model().setWindowFocused(false));
        robot.interact(() -> bravo.model().send("Alpha, radio check"));
        robot.interact(() -> bravo.model().send("second line\nof the same message"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> alpha.model().unreadTotalProperty().get() == 2);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("(2) QSTCS Secure Chat — Msg_Alpha", alphaStage.getTitle());
        Node toast = alpha.scene().lookup("#notification");
        assertTrue(toast.isVisible());
        assertEquals("Msg_Bravo: second line of the same message",
                ((Label) alpha.scene().lookup("#notification-text")).getText());
        Contact bravoContact = alpha.model().selectedProperty().get();
        assertEquals(2, bravoContact.unreadProperty().get(), "not read while the window is in the background");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !taskbar.calls.isEmpty());
        assertEquals(java.util.List.of("request"), taskbar.calls, "the taskbar entry is marked once for two messages");

        robot.interact(() -> alpha.model().setWindowFocused(true));
        assertEquals(0, alpha.model().unreadTotalProperty().get());
        assertEquals("QSTCS Secure Chat — Msg_Alpha", alphaStage.getTitle());
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> taskbar.calls.size() == 2);
        assertEquals(java.util.List.of("request", "clear"), taskbar.calls, "looking at the window takes the mark away");

        // Someone who never wrote before: a new contact, unread, announced; the open conversation stays read.
        try (SecureChatSession charlie = new SecureChatSession(servers.config("Msg_Charlie").withPqc(true))) {
            charlie.start("Msg_Alpha");
            charlie.send("Msg_Alpha", "Charlie here, new on the net");
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> alpha.model().unreadTotalProperty().get() == 1);
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals("Msg_Charlie: Charlie here, new on the net",
                    ((Label) alpha.scene().lookup("#notification-text")).getText());
            assertEquals("(1) QSTCS Secure Chat — Msg_Alpha", alphaStage.getTitle());
            assertEquals(0, bravoContact.unreadProperty().get());
            robot.interact(() -> alpha.model().openNotification());
            assertEquals("Msg_Charlie", alpha.model().selectedProperty().get().deviceId());
            assertEquals(0, alpha.model().unreadTotalProperty().get());
            assertFalse(alpha.scene().lookup("#notification").isVisible());
        }
    }

    @Test
    void aConversationStartsFromTheDirectory(FxRobot robot) throws Exception {
        open(robot, "Dir_Alpha", "Dir_Bravo");
        awaitOnline();
        servers.config("Msg_Delta"); // enrolled, has never written
        robot.interact(() -> alpha.model().refreshDirectory());
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> alpha.model().directory().contains("Msg_Delta"));
        assertFalse(alpha.model().directory().contains("Dir_Alpha"), "not yourself");
        robot.interact(() -> ((Button) alpha.scene().lookup("#new-conversation")).fire());
        javafx.scene.control.ContextMenu menu = alpha.chatView().directoryMenu;
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> menu.isShowing()
                && menu.getItems().stream().anyMatch(i -> "directory-Msg_Delta".equals(i.getId())));
        robot.interact(() -> menu.getItems().stream().filter(i -> "directory-Msg_Delta".equals(i.getId())).findFirst()
                .orElseThrow().fire());
        robot.interact(menu::hide);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Msg_Delta", alpha.model().selectedProperty().get().deviceId());
        // Two windows overlap on the headless screen: keys go straight to Alpha's composer.
        javafx.scene.control.TextArea composer = alpha.chatView().composer;
        robot.interact(() -> {
            composer.setText("Delta, first contact");
            composer.positionCaret(composer.getLength());
            composer.fireEvent(enter(true));
        });
        assertEquals("Delta, first contact\n", composer.getText(), "Shift+Enter starts a new line");
        robot.interact(() -> {
            composer.appendText("over two lines");
            composer.fireEvent(enter(false));
        });
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> alpha.model().selectedProperty().get().messages().size() == 1);
        assertEquals("Delta, first contact\nover two lines", alpha.model().selectedProperty().get().messages().getFirst().text());
        assertEquals("", alpha.chatView().composer.getText(), "Enter sent it");
    }

    @Test
    void safetyNumbersMatchVerifyingShowsAndAChangedKeyWarns(FxRobot robot) throws Exception {
        open(robot, "Soldier_Alpha", "Soldier_Bravo");
        awaitOnline();
        robot.interact(() -> bravo.model().send("Alpha, Bravo. Loud and clear."));
        robot.interact(() -> alpha.model().send("Copy. Convoy moves at 14:30, route blue."));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> delivered(alpha, 1) && delivered(bravo, 1));
        robot.interact(() -> alpha.model().openVerification());
        robot.interact(() -> bravo.model().openVerification());
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> number(alpha) != null && number(bravo) != null);
        assertEquals(number(alpha), number(bravo), "both windows show the same safety number");
        assertEquals(number(alpha).display(), ((Label) alpha.scene().lookup("#safety-number")).getText());
        shoot(robot, "chat-verification.png");

        robot.interact(() -> alpha.model().confirmVerified());
        robot.interact(() -> alpha.model().closeVerification());
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> "✔ Verified".equals(
                ((Button) alpha.scene().lookup("#trust-badge")).getText()));
        robot.interact(() -> bravo.model().closeVerification());
        shoot(robot, "chat-dark.png");
        robot.interact(() -> {
            alpha.setTheme(ChatTheme.LIGHT);
            bravo.setTheme(ChatTheme.LIGHT);
        });
        shoot(robot, "chat-light.png");

        // Bravo's key as the KMS now serves it differs from the verified one (a new install, or a lying KMS).
        DeviceIdentity.open(Files.createTempDirectory("qstcs-new-bravo"), servers.config("Soldier_Bravo")).publish();
        robot.interact(() -> alpha.model().openVerification());
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> alpha.model().verificationProperty().get() != null
                && alpha.model().verificationProperty().get().changed());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(alpha.scene().lookup("#verification-warning").isVisible());
        assertFalse(alpha.model().verificationProperty().get().verified());
        assertEquals(Contact.Trust.CHANGED, alpha.model().selectedProperty().get().trustProperty().get());
        assertEquals("⚠ Key changed — verify", ((Button) alpha.scene().lookup("#trust-badge")).getText());
        assertTrue(alpha.model().noticeProperty().get().contains("identity key has changed"), alpha.model().noticeProperty().get());
        shoot(robot, "chat-key-changed.png");
    }

    private static javafx.scene.input.KeyEvent enter(boolean shift) {
        return new javafx.scene.input.KeyEvent(javafx.scene.input.KeyEvent.KEY_PRESSED, "", "", javafx.scene.input.KeyCode.ENTER,
                shift, false, false, false);
    }

    private static qstcs.crypto.identity.SafetyNumber number(ChatWindow w) {
        ChatModel.Verification v = w.model().verificationProperty().get();
        return v == null ? null : v.number();
    }

    private static boolean delivered(ChatWindow w, int outgoing) {
        Contact c = w.model().selectedProperty().get();
        return c != null && c.messages().stream().filter(m -> m.outgoing() && m.delivery() == DeliveryState.DELIVERED).count()
                >= outgoing && c.messages().size() >= 2;
    }

    /** With -Dqstcs.screenshots=DIR: both windows side by side, as the docs show them. */
    private void shoot(FxRobot robot, String name) throws Exception {
        String dir = System.getProperty("qstcs.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300); // let the last layout pass settle before the picture
        BufferedImage[] shots = new BufferedImage[2];
        robot.interact(() -> {
            shots[0] = ChatScreenshotIT.snapshot(alpha);
            shots[1] = ChatScreenshotIT.snapshot(bravo);
        });
        Files.createDirectories(Path.of(dir));
        ImageIO.write(ChatScreenshotIT.sideBySide(shots, new String[] {alpha.model().deviceIdProperty().get(), bravo.model().deviceIdProperty().get()}), "png",
                Path.of(dir, name).toFile());
    }

}
