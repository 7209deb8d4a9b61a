package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.ChatHistory;
import qstcs.client.ConnectionState;
import qstcs.client.DeliveryState;
import qstcs.client.LiveServers;
import qstcs.client.SecureChatSession;

/**
 * The chat window against the real KMS and relay while they go away: the status bar stops
 * claiming what it cannot confirm when the KMS stops, and a message the relay never took is marked
 * failed with Retry and Delete, and Retry delivers it once. The peer is a headless SDK session.
 */
@ExtendWith(ApplicationExtension.class)
class HonestStatusIT {
    private static final String ME = "Honest_Alpha";
    private static final String PEER = "Honest_Bravo";
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");
    private static LiveServers servers;
    private ChatWindow window;
    private SecureChatSession peer;
    private Path home;
    private final List<String> peerInbox = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void servers() {
        servers = LiveServers.start(); // its own: these tests stop the KMS and the relay
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Start
    void start(Stage stage) {
        peer = ChatFixtures.peer(servers.config(PEER), ME, peerInbox);
        home = servers.homeWith(ME);
        window = new ChatWindow(ChatOptions.parse("--device", ME, "--peer", PEER, "--home", home.toString()));
        window.show(stage);
    }

    @AfterEach
    void stop() {
        window.model().leave();
        peer.close();
    }

    @Test
    void withTheKmsStoppedTheStatusBarNoLongerShowsLinkGreen(FxRobot robot) throws Exception {
        awaitOnline();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> "AES-256-GCM".equals(text(robot, "#e2e-badge")));
        // The labels are read off the FX thread: let the FX thread finish the update that set the
        // text (it sets the lamp's colour and stale state right after) before reading the rest.
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Link GREEN", text(robot, "#link-text"));
        assertEquals("online · encrypted", text(robot, "#connection"));
        assertFalse(robot.lookup("#link-lamp").query().getPseudoClassStates().contains(STALE));

        servers.stopKms();
        try {
            // A KMS shutting down may hold a long-poll open until its read timeout (25 s + slack).
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> text(robot, "#link-text").contains("last known"));
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals("Link GREEN (last known) — key service unreachable", text(robot, "#link-text"));
            assertNotEquals("Link GREEN", text(robot, "#link-text"));
            for (String id : List.of("#link-lamp", "#link-text", "#qber")) {
                assertTrue(robot.lookup(id).query().getPseudoClassStates().contains(STALE), id + " is greyed");
            }
            // The key already held still seals messages, and the window says both things.
            assertEquals("online · encrypted · key service unreachable", text(robot, "#connection"));
            robot.interact(() -> Snapshots.write(window.scene().getRoot(), "chat-kms-unreachable"));
        } finally {
            servers.startKms();
        }
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> "Link GREEN".equals(text(robot, "#link-text")));
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(robot.lookup("#link-lamp").query().getPseudoClassStates().contains(STALE));
    }

    @Test
    void theNoKeyZoneIsSaidInWordsNotAsAnAttack(FxRobot robot) throws Exception {
        awaitOnline();
        // About 8.5 % QBER: YELLOW, and above the finite-key bound, so rounds add no key.
        servers.eve(true, 0.3);
        try {
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> text(robot, "#link-text").startsWith("Link YELLOW"));
            assertEquals("Link YELLOW — no new keys (QBER too high for a secure key); not an attack",
                    text(robot, "#link-text"));
            assertFalse(robot.lookup("#banner").query().isVisible(), "no breach banner");
            robot.interact(() -> Snapshots.write(window.scene().getRoot(), "chat-no-key-zone"));
        } finally {
            servers.eve(false, 0);
        }
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> "Link GREEN".equals(text(robot, "#link-text")));
    }

    @Test
    void aMessageTheRelayNeverTookFailsWithRetryAndDeleteAndRetryDeliversItOnce(FxRobot robot) throws Exception {
        awaitOnline();
        window.model().session().orElseThrow().setSendDeadline(Duration.ofSeconds(1));
        servers.stopRelay();
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                    () -> window.model().connectionProperty().get() != ConnectionState.ONLINE);
            robot.clickOn("#composer").write("Bravo, do you copy? Over.").type(KeyCode.ENTER);
            robot.clickOn("#composer").write("Second try, ignore this one.").type(KeyCode.ENTER);
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> ChatFixtures.messages(robot).getItems().size() == 2
                    && ChatFixtures.messages(robot).getItems().stream().allMatch(m -> m.delivery() == DeliveryState.FAILED));
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(robot.lookup(".ticks").queryAllAs(Label.class).stream().anyMatch(l -> l.getText().equals("not sent")));
            assertTrue(robot.lookup(".failed-actions").query().isVisible(), "Retry and Delete are offered");
            assertTrue(window.model().closeWarning().orElseThrow().contains("2 messages were not sent"),
                    window.model().closeWarning().orElseThrow());
            robot.interact(() -> Snapshots.write(window.scene().getRoot(), "chat-failed-retry"));
        } finally {
            servers.startRelay();
        }
        // The retry bar's button reconnects at once rather than at the end of the countdown.
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#retry-now").tryQuery()
                .map(Node::isVisible).orElse(false) || window.model().connectionProperty().get() == ConnectionState.ONLINE);
        if (window.model().connectionProperty().get() != ConnectionState.ONLINE) {
            robot.clickOn("#retry-now");
        }
        awaitOnline();
        assertEquals(DeliveryState.FAILED, ChatFixtures.messages(robot).getItems().get(0).delivery(), "not sent by itself");
        assertTrue(peerInbox.isEmpty());

        MessageItem first = ChatFixtures.messages(robot).getItems().get(0);
        MessageItem second = ChatFixtures.messages(robot).getItems().get(1);
        robot.clickOn(actionOf(robot, first, "Retry"));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> first.delivery() == DeliveryState.DELIVERED);
        robot.clickOn(actionOf(robot, second, "Delete"));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> ChatFixtures.messages(robot).getItems().size() == 1);
        assertEquals(List.of(first), ChatFixtures.messages(robot).getItems());
        assertEquals(List.of("Bravo, do you copy? Over."), peerInbox, "delivered once; the deleted one never");
        assertTrue(window.model().closeWarning().isEmpty());
        window.model().leave();
        // The history kept the delivered one and dropped the deleted one.
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            try (ChatHistory h = ChatHistory.open(home, ME)) {
                return h.messages().stream().map(m -> m.text() + "/" + m.delivery()).toList()
                        .equals(List.of("Bravo, do you copy? Over./DELIVERED"));
            } catch (Exception e) {
                return false; // still closing
            }
        });
        assertFalse(second.delivery() == DeliveryState.DELIVERED);
    }

    /** The Retry or Delete button in the bubble of {@code item}. */
    private static Button actionOf(FxRobot robot, MessageItem item, String label) {
        BubbleCell cell = robot.lookup(".bubble-cell").queryAllAs(BubbleCell.class).stream()
                .filter(c -> c.getItem() == item).findFirst().orElseThrow();
        return robot.from(cell).lookup(".bubble-action").queryAllAs(Button.class).stream()
                .filter(b -> b.getText().equals(label)).findFirst().orElseThrow();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private void awaitOnline() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> window.model().connectionProperty().get() == ConnectionState.ONLINE
                        && peer.state() == ConnectionState.ONLINE);
    }

}
