package qstcs.chat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.ListView;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import qstcs.client.ChatMessage;
import qstcs.client.ClientConfig;
import qstcs.client.SecureChatSession;
import qstcs.client.SessionListener;

/** What the chat window's live tests share: the peer they talk to and the window's message list. */
final class ChatFixtures {
    private ChatFixtures() {
    }

    /** A started session for the window's peer whose incoming texts land in {@code inbox}. */
    static SecureChatSession peer(ClientConfig config, String window, Collection<String> inbox) {
        SecureChatSession peer = new SecureChatSession(config);
        peer.addListener(new SessionListener() {
            @Override
            public void messageAdded(ChatMessage m) {
                if (!m.outgoing()) {
                    inbox.add(m.text());
                }
            }
        });
        peer.start(window);
        return peer;
    }

    /** The window's message list; FX thread only. */
    @SuppressWarnings("unchecked")
    static ListView<MessageItem> messagesOnFx(FxRobot robot) {
        return (ListView<MessageItem>) robot.lookup("#messages").queryAs(ListView.class);
    }

    /** The window's message list, looked up on the FX thread: a lookup elsewhere races the scene graph it walks. */
    static ListView<MessageItem> messages(FxRobot robot) {
        try {
            return WaitForAsyncUtils.asyncFx(() -> messagesOnFx(robot)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the message list could not be looked up", e);
        }
    }
}
