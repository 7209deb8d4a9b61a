package qstcs.chat;

/**
 * When the chat window asks the desktop for attention, decided without any window: a message
 * that arrives while the window is in the background marks it once (not once per message, which
 * would start a process each time); looking at the window, or nothing left unread, takes the
 * mark away. A window in front is never marked: the message is in view.
 */
final class AttentionState {

    /** What the window should do after an event. */
    enum Step { REQUEST, CLEAR, NOTHING }

    private boolean marked;
    private boolean focused = true;

    /** The unread count went from {@code before} to {@code now}. */
    Step unreadChanged(int before, int now) {
        if (now > before && !focused && !marked) {
            marked = true;
            return Step.REQUEST;
        }
        if (now == 0 && marked) {
            marked = false;
            return Step.CLEAR;
        }
        return Step.NOTHING;
    }

    /** The window gained or lost the focus. */
    Step focusChanged(boolean nowFocused) {
        focused = nowFocused;
        if (nowFocused && marked) {
            marked = false;
            return Step.CLEAR;
        }
        return Step.NOTHING;
    }

    boolean marked() {
        return marked;
    }
}
