package qstcs.guard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running program started inside a network namespace with {@code ip netns exec} (which
 * execs, so the process id is the program's own). Every output line is kept with the
 * {@link System#nanoTime()} at which it was read (a few milliseconds after it was written), stays
 * in a log file for post-mortems, and can be awaited; {@link #stop()} sends SIGTERM like procd or
 * Ctrl-C would.
 */
final class NamespaceProcess implements AutoCloseable {
    /** One output line and when the harness read it. */
    record Line(String text, long nanos) {
    }

    private final String label;
    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private final Thread reader;

    private NamespaceProcess(String label, Process process, Path log) {
        this.label = label;
        this.process = process;
        this.reader = Thread.ofPlatform().daemon().name("out-" + label).start(() -> follow(log));
    }

    static NamespaceProcess start(String label, String namespace, Map<String, String> env, Path logDir,
            List<String> command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        argv.addAll(command);
        try {
            Files.createDirectories(logDir);
            Path log = Files.createTempFile(logDir, label + "-", ".log");
            // Output goes to a file that is followed, not to a pipe: the JDK drains a child's pipe
            // when the child exits and can lose its last lines (the guard's exit message).
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            return new NamespaceProcess(label, pb.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + label + ": " + e.getMessage(), e);
        }
    }

    /** Reads new lines from the log as they are written, until the process has ended and all is read. */
    private void follow(Path log) {
        try (InputStream in = Files.newInputStream(log)) {
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (true) {
                boolean ended = !process.isAlive();
                int n = in.read(buf);
                if (n > 0) {
                    long now = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            add(new Line(partial.toString(StandardCharsets.UTF_8), now));
                            partial.reset();
                        } else {
                            partial.write(buf[i]);
                        }
                    }
                } else if (ended) {
                    if (partial.size() > 0) {
                        add(new Line(partial.toString(StandardCharsets.UTF_8), System.nanoTime()));
                    }
                    return;
                } else {
                    Thread.sleep(3);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the harness is shutting down; what was read stays available
        }
    }

    private void add(Line line) {
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
        }
    }

    /** Number of lines read so far: pass it to {@link #await} to wait only for newer lines. */
    int mark() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /** The first line at index {@code from} or later that matches, waiting up to {@code timeout}. */
    Line await(int from, Predicate<String> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int i = from;
            while (true) {
                for (; i < lines.size(); i++) {
                    if (match.test(lines.get(i).text())) {
                        return lines.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError(label + ": no line with " + what + " within " + timeout.toMillis()
                            + " ms (alive=" + process.isAlive() + "). Output:\n" + output());
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    Line awaitContaining(int from, String text, Duration timeout) {
        return await(from, l -> l.contains(text), timeout, "\"" + text + "\"");
    }

    String output() {
        StringBuilder b = new StringBuilder();
        synchronized (lines) {
            for (Line l : lines) {
                b.append(l.text()).append('\n');
            }
        }
        return b.toString();
    }

    String label() {
        return label;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then SIGKILL after a grace period; returns the exit code. */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits for the process to end by itself; returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " still running after " + timeout.toMillis() + " ms. Output:\n" + output());
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    @Override
    public String toString() {
        return label + "(pid " + process.pid() + ")";
    }
}
