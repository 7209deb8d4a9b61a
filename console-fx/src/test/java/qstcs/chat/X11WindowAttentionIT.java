package qstcs.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The taskbar mark on a real X server with a real window manager (Xvfb and openbox, what the
 * windowed demo's check uses): a JavaFX window with the chat's title, in the background behind
 * another window, gets {@code _NET_WM_STATE_DEMANDS_ATTENTION} from {@link X11WindowAttention},
 * the focus stays where it was, and clearing takes the state away. Skipped where Xvfb, openbox,
 * wmctrl, xdotool, xprop or GTK 3 are missing ({@code .ci/run} installs them).
 */
class X11WindowAttentionIT {
    private static final String DEVICE = "Attn_Alpha";
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : started.reversed()) {
            p.destroyForcibly();
        }
    }

    @Test
    void theBackgroundChatWindowIsMarkedWithoutTakingTheFocus() throws Exception {
        for (String tool : List.of("Xvfb", "openbox", "wmctrl", "xdotool", "xprop")) {
            assumeTrue(X11WindowAttention.onPath(tool), tool + " is not installed");
        }
        assumeTrue(gtkInstalled(), "GTK 3 is not installed");
        Path work = Files.createTempDirectory("qstcs-attention");

        Path displayFile = work.resolve("display");
        Process xvfb = start(new ProcessBuilder("sh", "-c", "exec Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>" + displayFile)
                .redirectErrorStream(true).redirectOutput(work.resolve("xvfb.log").toFile()));
        await(10, "Xvfb to start", () -> size(displayFile) > 0 && xvfb.isAlive());
        String display = ":" + Files.readString(displayFile).strip();
        start(new ProcessBuilder("openbox", "--sm-disable").redirectErrorStream(true)
                .redirectOutput(work.resolve("openbox.log").toFile()), display);
        await(10, "openbox to manage the screen", () -> run(display, "wmctrl", "-m").contains("Openbox"));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process probe = start(new ProcessBuilder(java, "-cp", classPath, "-Dprism.order=sw",
                "-Djavafx.cachedir=" + work.resolve("openjfx"), "--enable-native-access=ALL-UNNAMED",
                AttentionProbe.class.getName(), DEVICE).redirectError(work.resolve("probe.log").toFile()), display);
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // the probe ended
            }
        });
        PrintWriter toProbe = new PrintWriter(probe.getOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals("ready", answers.poll(60, TimeUnit.SECONDS), () -> "the probe did not start: " + log(work, "probe.log"));

        String[] chat = new String[1];
        String[] other = new String[1];
        await(30, "both windows mapped, the other one active", () -> {
            chat[0] = firstLine(run(display, "xdotool", "search", "--name", "QSTCS Secure Chat"));
            other[0] = firstLine(run(display, "xdotool", "search", "--name", "Probe: the window"));
            return !chat[0].isEmpty() && !other[0].isEmpty()
                    && run(display, "xdotool", "getactivewindow").strip().equals(other[0]);
        });
        assertFalse(demandsAttention(display, chat[0]), "not marked before it is asked");

        toProbe.println("request");
        assertEquals("done", answers.poll(20, TimeUnit.SECONDS));
        await(10, "_NET_WM_STATE_DEMANDS_ATTENTION on the chat window", () -> demandsAttention(display, chat[0]));
        assertEquals(other[0], run(display, "xdotool", "getactivewindow").strip(), "the focus stays where the user works");

        toProbe.println("clear");
        assertEquals("done", answers.poll(20, TimeUnit.SECONDS));
        await(10, "the mark taken away", () -> !demandsAttention(display, chat[0]));
        toProbe.println("quit");
        assertTrue(probe.waitFor(20, TimeUnit.SECONDS), "the probe ends");
    }

    private boolean demandsAttention(String display, String window) {
        return run(display, "xprop", "-id", window, "_NET_WM_STATE").contains("_NET_WM_STATE_DEMANDS_ATTENTION");
    }

    private Process start(ProcessBuilder pb, String display) throws IOException {
        pb.environment().put("DISPLAY", display);
        return start(pb);
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** A command's output, or "" when it failed: the waits below poll until the state shows. */
    private static String run(String display, String... argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().put("DISPLAY", display);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").strip();
    }

    /** Polls {@code condition} (observable state of the X server) until it holds, at most {@code seconds}. */
    private static void await(int seconds, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "waited " + seconds + " s for " + what);
            Thread.sleep(50);
        }
    }

    private static long size(Path f) {
        try {
            return Files.exists(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String log(Path work, String name) {
        try {
            return Files.readString(work.resolve(name));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean gtkInstalled() {
        return !run(":0", "sh", "-c", "ldconfig -p | grep 'libgtk-3\\.so\\.0'").isEmpty();
    }
}
