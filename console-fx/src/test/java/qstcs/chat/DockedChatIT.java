package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.LiveServers;

/**
 * Two chats docked in a column as narrow as the presenter layout's (400 px), against the real KMS
 * and relay: a usual device name stays whole on one line, a name too long for the column ends in
 * "…" with the full name in its tooltip, and the status bar's caption is whole or not there.
 */
@ExtendWith(ApplicationExtension.class)
class DockedChatIT {
    private static final String USUAL = "Soldier_Bravo";
    private static final String LONG = "Forward_Observer_Team_Charlie_North_Ridge_Relay";
    private static LiveServers servers;
    private ChatWindow usual;
    private ChatWindow long_;

    @BeforeAll
    static void servers() {
        servers = LiveServers.shared();
    }

    @Start
    void start(Stage stage) {
        usual = new ChatWindow(options("Dock_Alpha", USUAL));
        long_ = new ChatWindow(options("Dock_Delta", LONG));
        Parent a = usual.dock();
        Parent b = long_.dock();
        VBox column = new VBox(6, a, b);
        VBox.setVgrow(a, Priority.ALWAYS);
        VBox.setVgrow(b, Priority.ALWAYS);
        stage.titleProperty().unbind();
        stage.setScene(new Scene(column, 400, 740));
        stage.setX(0);
        stage.setY(0);
        stage.show();
    }

    private ChatOptions options(String me, String peer) {
        return ChatOptions.parse("--device", me, "--peer", peer, "--home", servers.homeWith(me).toString());
    }

    @AfterEach
    void stop() {
        usual.model().leave();
        long_.model().leave();
    }

    @Test
    void aUsualNameStaysWholeOnOneLineAndALongOneEndsInAnEllipsisWithATooltip() throws Exception {
        await(() -> usual.model().screenProperty().get() == ChatModel.Screen.CHAT
                && long_.model().screenProperty().get() == ChatModel.Screen.CHAT
                && drawn(usual).equals(USUAL) && nameLabel(long_).getText().equals(LONG));
        Label name = peerName(usual);
        assertEquals(USUAL, shownName(usual));
        assertTrue(fx(() -> name.getWidth() >= name.prefWidth(-1) - 0.5 && !name.isWrapText()),
                "whole, on one line: " + fx(name::getWidth) + " of " + fx(() -> name.prefWidth(-1)));

        Label cut = peerName(long_);
        String shown = shownName(long_);
        assertNotEquals(LONG, shown, "too long for the column");
        assertTrue(shown.endsWith("…") || shown.endsWith("..."), shown);
        assertEquals(LONG, fx(() -> cut.getTooltip().getText()), "the tooltip names the device in full");

        for (ChatWindow w : new ChatWindow[] {usual, long_}) {
            Label caption = fx(() -> (Label) w.chatView().lookup(".status-bar .caption"));
            assertTrue(fx(() -> !caption.isVisible() || caption.getWidth() >= caption.prefWidth(-1) - 0.5),
                    "the caption is whole or not shown: " + fx(caption::getWidth));
        }
    }

    private static Label peerName(ChatWindow w) throws Exception {
        return fx(() -> nameLabel(w));
    }

    /** FX thread only. */
    private static Label nameLabel(ChatWindow w) {
        return (Label) w.chatView().lookup("#peer-name");
    }

    /** What the name label draws (its text after any cut), read once the layout has settled. */
    private static String shownName(ChatWindow w) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return fx(() -> drawn(w));
    }

    /** FX thread only. */
    private static String drawn(ChatWindow w) {
        Node text = nameLabel(w).lookup(".text");
        return text instanceof Text t ? t.getText() : "";
    }

    private static <T> T fx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> fx(condition));
    }
}
