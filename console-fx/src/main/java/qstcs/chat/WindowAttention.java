package qstcs.chat;

/**
 * The desktop's "this window wants you" mark: a highlighted or blinking taskbar entry, without
 * raising the window or taking the focus from what the user is doing. JavaFX has no call for it;
 * {@link #forThisDesktop} picks what works where the chat runs ({@link X11WindowAttention} on an
 * X11 desktop with {@code wmctrl}, {@link DockAttention} where AWT can ask the dock, else
 * {@link #NONE}: the unread count in the title is then the only sign).
 */
interface WindowAttention {

    /** Marks the window. Blocking (may start a process): call it off the FX thread. */
    void request();

    /** Takes the mark away again (the user looked). Blocking, like {@link #request}. */
    void clear();

    /** What does the marking, in words, for the log and the docs. */
    String mechanism();

    WindowAttention NONE = new WindowAttention() {
        @Override
        public void request() {
        }

        @Override
        public void clear() {
        }

        @Override
        public String mechanism() {
            return "none (the unread count in the title only)";
        }
    };

    /**
     * What marks the chat window of {@code device} on this desktop. No window system (the headless
     * test platform) or {@code -Dqstcs.attention=off}: {@link #NONE}.
     */
    static WindowAttention forThisDesktop(String device) {
        if ("off".equals(System.getProperty("qstcs.attention")) || "Monocle".equals(System.getProperty("glass.platform"))) {
            return NONE;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux") || os.contains("bsd")) {
            String display = System.getenv("DISPLAY");
            return display != null && !display.isBlank() && X11WindowAttention.wmctrlInstalled()
                    ? new X11WindowAttention(device, ProcessHandle.current().pid(), X11WindowAttention.Commands.SYSTEM)
                    : NONE;
        }
        return DockAttention.ifSupported().orElse(NONE);
    }
}
