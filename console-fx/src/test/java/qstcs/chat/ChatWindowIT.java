package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.stage.Stage;
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
import qstcs.client.LiveServers;
import qstcs.client.SecureChatSession;

/**
 * The chat window against the real KMS and relay, driven like a soldier would: type, Enter, see
 * the bubble and its ticks, get a reply; see the red banner during an attack and watch it go away
 * after the reset, with the held message delivered. The peer is a headless SDK session.
 */
@ExtendWith(ApplicationExtension.class)
class ChatWindowIT {
    private static final String ME = "Window_Alpha";
    private static final String PEER = "Window_Bravo";
    private static LiveServers servers;
    private ChatWindow window;
    private java.nio.file.Path home;
    private SecureChatSession peer;
    private final java.util.List<String> peerInbox = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void servers() {
        servers = LiveServers.shared();
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
    void typeSendSeeTicksAndReceiveAReply(FxRobot robot) throws Exception {
        awaitOnline();
        assertTrue(robot.lookup(".chat").query().getScene().getWindow() instanceof Stage s
                && s.getTitle().contains(ME), "the title names the device");
        robot.clickOn("#composer").write("Alpha to Bravo, radio check").type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> peerInbox.contains("Alpha to Bravo, radio check"));
        MessageItem sent = ChatFixtures.messages(robot).getItems().getFirst();
        assertTrue(sent.outgoing());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> sent.delivery() == DeliveryState.DELIVERED);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".ticks").queryAllAs(Label.class).stream().anyMatch(l -> l.getText().equals("✓✓")),
                "the bubble shows ✓✓");
        assertEquals("", robot.lookup("#composer").queryTextInputControl().getText(), "Enter sent and cleared");

        peer.send(ME, "Bravo here, loud and clear");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> ChatFixtures.messages(robot).getItems().size() == 2);
        MessageItem reply = ChatFixtures.messages(robot).getItems().get(1);
        assertFalse(reply.outgoing());
        assertEquals("Bravo here, loud and clear", reply.text());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".bubble-text").queryAllAs(SelectableText.class).stream()
                .anyMatch(l -> l.getText().equals("Bravo here, loud and clear")), "the reply is a bubble");
        assertTrue(robot.lookup("#key-id").queryAs(Label.class).getText().startsWith("key "));
        assertEquals("Link GREEN", robot.lookup("#link-text").queryAs(Label.class).getText());
    }

    @Test
    void partOfAMessageIsSelectedWithTheMouseAndCopied(FxRobot robot) throws Exception {
        awaitOnline();
        String said = "Bravo here, grid 4711 confirmed";
        peer.send(ME, said);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> ChatFixtures.messages(robot).getItems().size() == 1);
        WaitForAsyncUtils.waitForFxEvents();
        SelectableText bubble = WaitForAsyncUtils.asyncFx(() -> robot.lookup(".bubble-text").queryAllAs(SelectableText.class)
                .stream().filter(t -> t.getText().equals(said)).findFirst().orElseThrow()).get(10, TimeUnit.SECONDS);
        int from = said.indexOf("grid");
        int to = said.indexOf(" confirmed");
        javafx.geometry.Point2D[] ends = WaitForAsyncUtils.asyncFx(() -> new javafx.geometry.Point2D[] {
                bubble.caretOnScreen(from).add(1, 0), bubble.caretOnScreen(to).add(-1, 0)}).get(10, TimeUnit.SECONDS);
        robot.moveTo(ends[0]).press(javafx.scene.input.MouseButton.PRIMARY).moveTo(ends[1])
                .release(javafx.scene.input.MouseButton.PRIMARY);
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.C)
                .release(javafx.scene.input.KeyCode.C, javafx.scene.input.KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        String copied = WaitForAsyncUtils.asyncFx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString())
                .get(10, TimeUnit.SECONDS);
        assertEquals("grid 4711", copied, "Ctrl+C copies the dragged-over part only");

        // A plain click ends that selection: Ctrl+C then copies the whole message again.
        robot.clickOn(bubble).press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.C)
                .release(javafx.scene.input.KeyCode.C, javafx.scene.input.KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(said, WaitForAsyncUtils.asyncFx(() -> javafx.scene.input.Clipboard.getSystemClipboard().getString())
                .get(10, TimeUnit.SECONDS));
    }

    /** What the demo relies on: a fresh start shows an empty conversation; a plain start shows the kept one. */
    @Test
    void aFreshStartForgetsTheConversationAndAPlainStartShowsIt(FxRobot robot) throws Exception {
        awaitOnline();
        robot.clickOn("#composer").write("said at the rehearsal").type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> peerInbox.contains("said at the rehearsal"));
        robot.interact(() -> window.model().leave());
        assertEquals(java.util.List.of("said at the rehearsal"), shownAfterJoin(false), "kept across a restart");
        assertEquals(java.util.List.of(), shownAfterJoin(true), "--fresh-history starts empty");
        assertEquals(java.util.List.of(), shownAfterJoin(false), "and it is gone from the disk");
    }

    /** The texts a new window of this device shows right after joining (the history is read at once). */
    private java.util.List<String> shownAfterJoin(boolean fresh) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            ChatOptions o = ChatOptions.parse(fresh ? new String[] {"--device", ME, "--fresh-history"} : new String[] {"--device", ME});
            ChatModel m = new ChatModel();
            m.useHome(home);
            m.startFresh(o.freshHistory());
            m.join(ME, o.kmsUrl(), o.relayUrl(), PEER, false);
            java.util.List<String> texts = m.selectedProperty().get().messages().stream().map(MessageItem::text).toList();
            m.leave();
            return texts;
        }).get(20, TimeUnit.SECONDS);
    }

    @Test
    void redBannerDuringAttackAndGoneAfterReset(FxRobot robot) throws Exception {
        awaitOnline();
        Node banner = robot.lookup("#banner").query();
        assertFalse(banner.isVisible());
        // More than the window shows, so that the banner pushes the conversation up when it appears.
        int before = 12;
        for (int i = 1; i <= before; i++) {
            peer.send(ME, "Bravo, report " + i + " of " + before + ". Over.");
        }
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> ChatFixtures.messages(robot).getItems().size() == before);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> lastMessageShownWhole(robot));
        robot.interact(() -> ChatFixtures.messagesOnFx(robot).requestFocus());
        robot.type(javafx.scene.input.KeyCode.HOME); // the soldier reads back from the first message
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(lastMessageShownWhole(robot), "scrolled back, the list stays where the soldier put it");
        servers.forceAttack();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, banner::isVisible);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> lastMessageShownWhole(robot));
        assertTrue(robot.lookup("#banner .label").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().equals(SecureChatSession.COMPROMISED_MESSAGE)));
        assertEquals("Link RED", robot.lookup("#link-text").queryAs(Label.class).getText());
        assertEquals("no key", robot.lookup("#key-id").queryAs(Label.class).getText());

        // Long enough to wrap: the bubble grows when it is marked held, after it was scrolled to.
        String held = "Holding position at the northern ridge until the link is green again, waiting for orders. Over.";
        robot.interact(() -> robot.lookup("#composer").queryTextInputControl().setText(held));
        robot.clickOn("#composer").type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> !ChatFixtures.messages(robot).getItems().isEmpty()
                && ChatFixtures.messages(robot).getItems().getLast().delivery() == DeliveryState.HELD);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".ticks").queryAllAs(Label.class).stream().anyMatch(l -> l.getText().equals("held")),
                "the held message is marked");
        assertTrue(lastMessageShownWhole(robot), "the held message is in view, under the banner that explains it");
        assertTrue(banner.isVisible());
        // Held means no key and no relay connection: it cannot cross the network until the reset.
        assertEquals(ConnectionState.COMPROMISED, window.model().connectionProperty().get());
        assertFalse(peerInbox.contains(held), "nothing crosses the network while RED");

        servers.reset();
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !banner.isVisible());
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> peerInbox.contains(held));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> ChatFixtures.messages(robot).getItems().getLast().delivery() == DeliveryState.DELIVERED);
        assertEquals("Link GREEN", robot.lookup("#link-text").queryAs(Label.class).getText());
    }

    /** Whether the newest message's bubble lies wholly inside the visible part of the list. */
    private static boolean lastMessageShownWhole(FxRobot robot) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> {
            javafx.scene.control.ListView<MessageItem> list = ChatFixtures.messagesOnFx(robot);
            var flow = (javafx.scene.control.skin.VirtualFlow<?>) list.lookup(".virtual-flow");
            javafx.scene.control.IndexedCell<?> last = flow.getLastVisibleCell();
            if (last == null || last.getIndex() != list.getItems().size() - 1) {
                return false;
            }
            javafx.geometry.Bounds cell = last.localToScene(last.getLayoutBounds());
            javafx.geometry.Bounds view = flow.localToScene(flow.getLayoutBounds());
            return cell.getMinY() >= view.getMinY() - 0.5 && cell.getMaxY() <= view.getMaxY() + 0.5;
        }).get(10, TimeUnit.SECONDS);
    }

    private void awaitOnline() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> window.model().connectionProperty().get() == ConnectionState.ONLINE
                        && peer.state() == ConnectionState.ONLINE);
    }


}
