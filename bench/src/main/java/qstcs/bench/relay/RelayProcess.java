package qstcs.bench.relay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay under test: {@code qstcs.relay.Main} in its own JVM on a free loopback port, with a
 * settings file in its home. As users run it ({@code wss://}, device tokens checked with a KMS
 * whose home it shares), or plain {@code --insecure ws://} without tokens when no KMS is given.
 * CPU time and resident memory come from {@code /proc/PID}.
 */
public final class RelayProcess implements AutoCloseable {

    /** The JVM options {@code ./qstcs relay} starts the relay with (keep in step with the launcher). */
    public static final List<String> LAUNCHER_JVM = List.of("-XX:+UseG1GC", "-Xmx384m");

    private static final Pattern WS_URL = Pattern.compile("wss?://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final ProcFigures proc;
    private final Path home;
    private final boolean ownHome;
    private final int port;
    private final ChildOutput output;

    /**
     * @param yaml the relay's {@code application.yaml} for this run (limits)
     * @param kms the KMS that checks device tokens ({@code wss}), or null for plain {@code ws}
     */
    public RelayProcess(String yaml, List<String> jvmOptions, KmsForRelay kms) throws Exception {
        this(yaml, jvmOptions, kms, List.of());
    }

    /** A relay with more command-line flags (e.g. {@code --cluster URL --node NAME}). */
    RelayProcess(String yaml, List<String> jvmOptions, KmsForRelay kms, List<String> flags) throws Exception {
        ownHome = kms == null;
        home = ownHome ? Files.createTempDirectory("qstcs-relay-bench") : kms.home();
        Files.createDirectories(home.resolve("relay"));
        Files.writeString(home.resolve("relay/application.yaml"), yaml);
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new java.util.ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "qstcs.relay.Main",
                "--home", home.toString(), "--bind", "127.0.0.1", "--port", "0"));
        cmd.addAll(kms == null ? List.of("--kms", "off", "--insecure") : kms.relayFlags());
        cmd.addAll(flags);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        proc = new ProcFigures(process.pid());
        output = new ChildOutput(process, WS_URL, "relay");
        port = output.port(Duration.ofSeconds(120));
    }

    /** What the relay printed so far (banner, warnings). */
    public String output() {
        return output.text();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** User plus system CPU time of the relay process so far, in nanoseconds. */
    public long cpuNanos() throws IOException {
        return proc.cpuNanos();
    }

    /** The kernel's share of {@link #cpuNanos()} (system calls, the TCP stack, wake-ups). */
    long systemCpuNanos() throws IOException {
        return proc.systemCpuNanos();
    }

    /**
     * CPU time (user plus system) of the relay's JIT compiler threads so far, in nanoseconds: code
     * still being compiled is a cost of the relay's first minutes, not of each message it relays.
     */
    long compilerCpuNanos() throws IOException {
        return proc.compilerCpuNanos();
    }

    /** Read and write system calls and bytes of the relay so far ({@link ProcFigures#syscalls()}). */
    long[] syscalls() throws IOException {
        return proc.syscalls();
    }

    /** How often the relay's event-loop threads ({@code relay-loop-*}) went to sleep so far (0 with Helidon's I/O). */
    long loopSleeps() throws IOException {
        return proc.sleeps("relay-loop");
    }

    /** Runs a full GC in the relay (jcmd) and returns its heap use afterwards, e.g. "93 MB". */
    String fullGc() throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        run(jcmd.toString(), Long.toString(process.pid()), "GC.run");
        String info = run(jcmd.toString(), Long.toString(process.pid()), "GC.heap_info");
        // One "used" per generation (G1 has one heap, Serial and Parallel a young and an old
        // generation); the metaspace lines are not heap.
        long usedK = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher m = Pattern.compile("used (\\d+)K").matcher(line);
            if (!line.contains("Metaspace") && !line.contains("class space") && m.find()) {
                usedK += Long.parseLong(m.group(1));
                found = true;
            }
        }
        return found ? (usedK >> 10) + " MB" : "unknown";
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** Resident set size of the relay process, in bytes. */
    public long rssBytes() throws IOException {
        return proc.rssBytes();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (!ownHome) {
            return; // the KMS's home: it removes it
        }
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
