package qstcs.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link NullRelay} in its own JVM, started as {@link RelayProcess} starts the real relay: the
 * same java binary and class path as this JVM, the launcher's relay JVM options
 * ({@link RelayProcess#LAUNCHER_JVM}). Its CPU time and system calls come from {@code /proc/PID}
 * through the same {@link ProcFigures}.
 */
final class NullRelayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("null relay listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final ProcFigures proc;
    private final int port;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    NullRelayProcess(int pairs, int frame, int writes, int pauseMicros) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(RelayProcess.LAUNCHER_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NullRelay.class.getName(),
                "--pairs", Integer.toString(pairs), "--frame", Integer.toString(frame),
                "--writes", Integer.toString(writes), "--pause", Integer.toString(pauseMicros)));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        proc = new ProcFigures(process.pid());
        CompletableFuture<Integer> found = new CompletableFuture<>();
        reader = Thread.ofPlatform().daemon().name("null-relay-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        found.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IllegalStateException("null relay exited:\n" + output));
        });
        port = found.get(60, TimeUnit.SECONDS);
    }

    int port() {
        return port;
    }

    ProcFigures proc() {
        return proc;
    }

    /** What the null relay printed so far. */
    String output() {
        return output.toString();
    }

    /**
     * Waits (up to 10 s) for the null relay to end on its own, which it does once every client has
     * closed, else stops it. Its output then holds its last line (partial writes).
     */
    void awaitExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        awaitExit();
    }
}
