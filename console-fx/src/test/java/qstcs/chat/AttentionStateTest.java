package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import qstcs.chat.AttentionState.Step;

/** When the taskbar mark is asked for and taken away, and how the X11 window is found: no window needed. */
class AttentionStateTest {

    @Test
    void aMessageInTheBackgroundMarksTheWindowOnceAndLookingClearsIt() {
        AttentionState a = new AttentionState();
        assertEquals(Step.NOTHING, a.unreadChanged(0, 1), "in front: the message is in view");
        assertEquals(Step.NOTHING, a.focusChanged(false));
        assertEquals(Step.REQUEST, a.unreadChanged(0, 1));
        assertEquals(Step.NOTHING, a.unreadChanged(1, 2), "once, not once per message");
        assertTrue(a.marked());
        assertEquals(Step.CLEAR, a.focusChanged(true));
        assertEquals(Step.NOTHING, a.unreadChanged(2, 0), "already cleared");
        assertFalse(a.marked());
    }

    @Test
    void readingElsewhereClearsAndTheNextMessageMarksAgain() {
        AttentionState a = new AttentionState();
        a.focusChanged(false);
        assertEquals(Step.REQUEST, a.unreadChanged(0, 3));
        assertEquals(Step.NOTHING, a.unreadChanged(3, 1), "fewer unread, some still there");
        assertEquals(Step.CLEAR, a.unreadChanged(1, 0));
        assertEquals(Step.REQUEST, a.unreadChanged(0, 1));
        assertEquals(Step.NOTHING, a.focusChanged(false));
    }

    private static final String LIST = """
            0x00400003  0 4242   box QSTCS SOC console — simulated quantum link
            0x00a00003  0 4242   box (12) QSTCS Secure Chat — Soldier_Alpha
            0x00c00003  0 999    box QSTCS Secure Chat — Soldier_Alpha
            0x00e00003 -1 4242   box QSTCS Secure Chat — Soldier_Alpha2
            0x01000003  0 4242   box QSTCS Secure Chat — Soldier_Bravo
            """;

    @Test
    void findsThisProcesssWindowByItsTitleWithOrWithoutTheUnreadCount() {
        assertEquals(Optional.of("0x00a00003"), X11WindowAttention.windowId(LIST, 4242, ChatWindow.title("Soldier_Alpha", 0)));
        assertEquals(Optional.of("0x01000003"), X11WindowAttention.windowId(LIST, 4242, ChatWindow.title("Soldier_Bravo", 0)));
        assertEquals(Optional.of("0x00c00003"), X11WindowAttention.windowId(LIST, 999, ChatWindow.title("Soldier_Alpha", 0)),
                "another process's window of the same device is not ours");
        assertEquals(Optional.empty(), X11WindowAttention.windowId(LIST, 4242, ChatWindow.title("Soldier_Charlie", 0)));
        assertEquals(Optional.empty(), X11WindowAttention.windowId("", 4242, ChatWindow.title("Soldier_Alpha", 0)));
    }

    @Test
    void asksTheWindowManagerThroughWmctrlAndGivesUpQuietly() {
        List<List<String>> ran = new ArrayList<>();
        X11WindowAttention x11 = new X11WindowAttention("Soldier_Bravo", 4242, argv -> {
            ran.add(argv);
            return argv.contains("-l") ? LIST : "";
        });
        x11.request();
        x11.clear();
        assertEquals(List.of(List.of("wmctrl", "-l", "-p"),
                List.of("wmctrl", "-i", "-r", "0x01000003", "-b", "add,demands_attention"),
                List.of("wmctrl", "-l", "-p"),
                List.of("wmctrl", "-i", "-r", "0x01000003", "-b", "remove,demands_attention")), ran);

        X11WindowAttention broken = new X11WindowAttention("Soldier_Bravo", 4242, argv -> {
            throw new IOException("Cannot open display.");
        });
        broken.request(); // no exception: the title still shows the unread count
    }
}
