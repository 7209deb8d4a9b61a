package qstcs.chat;

import java.awt.Taskbar;
import java.util.Optional;

/**
 * The application-wide attention request of {@link java.awt.Taskbar}: the macOS Dock bounces the
 * icon once. AWT offers it only where the desktop has such a call (not on Windows, nor on Linux
 * without Unity's launcher library), so {@link #ifSupported} asks first.
 */
final class DockAttention implements WindowAttention {
    private final Taskbar taskbar;

    private DockAttention(Taskbar taskbar) {
        this.taskbar = taskbar;
    }

    static Optional<WindowAttention> ifSupported() {
        try {
            if (Taskbar.isTaskbarSupported() && Taskbar.getTaskbar().isSupported(Taskbar.Feature.USER_ATTENTION)) {
                return Optional.of(new DockAttention(Taskbar.getTaskbar()));
            }
        } catch (RuntimeException | LinkageError e) {
            // A headless or unusual AWT: nothing to ask.
        }
        return Optional.empty();
    }

    @Override
    public void request() {
        taskbar.requestUserAttention(true, false);
    }

    @Override
    public void clear() {
        taskbar.requestUserAttention(false, false);
    }

    @Override
    public String mechanism() {
        return "java.awt.Taskbar user attention";
    }
}
