package qstcs.bench.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Process process;
    private final Path home;
    private final boolean ownHome;
    private final int port;
    private final StringBuffer output = new StringBuffer();

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
        CompletableFuture<Integer> found = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("relay-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = WS_URL.matcher(line);
                    if (m.find()) {
                        found.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
            found.completeExceptionally(new IllegalStateException("relay exited:\n" + output));
        });
        port = found.get(120, TimeUnit.SECONDS);
    }

    /** What the relay printed so far (banner, warnings). */
    public String output() {
        return output.toString();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** User plus system CPU time of the relay process so far, in nanoseconds. */
    public long cpuNanos() throws IOException {
        String[] f = statFields();
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** The kernel's share of {@link #cpuNanos()} (system calls, the TCP stack, wake-ups). */
    long systemCpuNanos() throws IOException {
        return Long.parseLong(statFields()[12]) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    private String[] statFields() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        // Fields after the command name (which may contain spaces) start after the last ')'.
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /**
     * CPU time (user plus system) of the relay's JIT compiler threads so far, in nanoseconds: code
     * still being compiled is a cost of the relay's first minutes, not of each message it relays.
     */
    long compilerCpuNanos() throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** Read and write system calls of the relay so far (syscr, syscw of /proc/PID/io; sockets included). */
    long[] syscalls() throws IOException {
        long r = 0;
        long w = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/io"))) {
            if (line.startsWith("syscr:")) {
                r = Long.parseLong(line.substring(6).trim());
            } else if (line.startsWith("syscw:")) {
                w = Long.parseLong(line.substring(6).trim());
            }
        }
        return new long[] {r, w};
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
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for the relay process");
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
