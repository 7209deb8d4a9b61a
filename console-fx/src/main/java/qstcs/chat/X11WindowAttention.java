package qstcs.chat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Marks the chat window on an X11 desktop (also an XWayland window) the way EWMH says: the window
 * manager is asked to add {@code _NET_WM_STATE_DEMANDS_ATTENTION} to the window's state, which
 * taskbars show as a highlighted entry; the window manager takes it away when the window is
 * activated. {@code wmctrl} sends the request ({@code wmctrl -i -r ID -b add,demands_attention});
 * the window is found in {@code wmctrl -l -p} by this process's id and the title
 * {@link ChatWindow#title} gives it (the unread count may lead it).
 */
final class X11WindowAttention implements WindowAttention {

    /** Runs a command and answers what it printed; a fake in tests. */
    interface Commands {
        String run(List<String> argv) throws IOException;

        Commands SYSTEM = argv -> {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            // Titles come back as UTF-8 whatever the user's locale (the title has an em dash).
            pb.environment().put("LC_ALL", "C.UTF-8");
            Process p = pb.start();
            try {
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(argv.getFirst() + " did not finish within 5 s");
                }
                if (p.exitValue() != 0) {
                    throw new IOException(argv.getFirst() + " exited with " + p.exitValue());
                }
                return new String(out, StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        };
    }

    private static final System.Logger LOG = System.getLogger(X11WindowAttention.class.getName());

    private final String title;
    private final long pid;
    private final Commands commands;

    X11WindowAttention(String device, long pid, Commands commands) {
        this.title = ChatWindow.title(device, 0);
        this.pid = pid;
        this.commands = commands;
    }

    static boolean wmctrlInstalled() {
        return onPath("wmctrl");
    }

    /** Whether an executable {@code tool} is on the PATH. */
    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void request() {
        change("add");
    }

    @Override
    public void clear() {
        change("remove");
    }

    private void change(String how) {
        try {
            Optional<String> id = windowId(commands.run(List.of("wmctrl", "-l", "-p")), pid, title);
            if (id.isPresent()) {
                commands.run(List.of("wmctrl", "-i", "-r", id.get(), "-b", how + ",demands_attention"));
            }
        } catch (IOException e) {
            // No window manager that speaks EWMH, or wmctrl failed: the title still counts unread messages.
            LOG.log(System.Logger.Level.DEBUG, "window attention not changed: {0}", e.getMessage());
        }
    }

    /**
     * The X window id of this process's window whose title is {@code title}, optionally led by an
     * unread count, in {@code wmctrl -l -p} output (lines of id, desktop, pid, host, title).
     */
    static Optional<String> windowId(String wmctrlList, long pid, String title) {
        for (String line : wmctrlList.split("\n")) {
            String[] f = line.strip().split("\\s+", 5);
            if (f.length < 5 || !f[0].startsWith("0x") || !f[2].equals(Long.toString(pid))) {
                continue;
            }
            String t = f[4].strip();
            if (t.equals(title) || t.matches("\\(\\d+\\) " + java.util.regex.Pattern.quote(title))) {
                return Optional.of(f[0]);
            }
        }
        return Optional.empty();
    }

    @Override
    public String mechanism() {
        return "X11 _NET_WM_STATE_DEMANDS_ATTENTION via wmctrl";
    }
}
