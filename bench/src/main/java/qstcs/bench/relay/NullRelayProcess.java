package qstcs.bench.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private final ChildOutput output;

    NullRelayProcess(int pairs, int frame, int writes, int pauseMicros) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(RelayProcess.LAUNCHER_JVM);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NullRelay.class.getName(),
                "--pairs", Integer.toString(pairs), "--frame", Integer.toString(frame),
                "--writes", Integer.toString(writes), "--pause", Integer.toString(pauseMicros)));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        proc = new ProcFigures(process.pid());
        output = new ChildOutput(process, LISTENING, "null relay");
        port = output.port(Duration.ofSeconds(60));
    }

    int port() {
        return port;
    }

    ProcFigures proc() {
        return proc;
    }

    /** What the null relay printed so far. */
    String output() {
        return output.text();
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
            output.awaitEnd(Duration.ofSeconds(5));
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
