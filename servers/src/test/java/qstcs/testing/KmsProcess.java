package qstcs.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KMS as its own JVM ({@code qstcs.kms.Main}, as {@code ./qstcs kms} starts it) on loopback,
 * for tests that kill it for real: {@link #kill()} is {@code kill -9}, no shutdown hook runs.
 * The ports are read from the start banner; a restart passes the same ports again.
 */
public final class KmsProcess implements AutoCloseable {
    private static final Pattern TLS_URL = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)\\s");
    private static final Pattern PLAIN_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)\\s+public");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int plainPort;
    private final int tlsPort;

    private KmsProcess(Path home, int plainPort, int tlsPort, Map<String, String> env, List<String> extra) throws Exception {
        this(home, plainPort, tlsPort, env, List.of(), extra);
    }

    private KmsProcess(Path home, int plainPort, int tlsPort, Map<String, String> env, List<String> jvm,
                       List<String> extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // C1 only and the serial collector: a test KMS starts in about half the time on a busy
        // machine, and nothing a test checks depends on peak compiled speed.
        List<String> argv = new ArrayList<>(List.of(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        argv.addAll(jvm);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "qstcs.kms.Main", "--home", home.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(plainPort), "--tls-port", Integer.toString(tlsPort)));
        argv.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        process = pb.start();
        CompletableFuture<Integer> tls = new CompletableFuture<>();
        CompletableFuture<Integer> plain = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("kms-output-" + process.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher t = TLS_URL.matcher(line);
                    if (t.find()) {
                        tls.complete(Integer.parseInt(t.group(1)));
                    }
                    Matcher p = PLAIN_URL.matcher(line);
                    if (p.find()) {
                        plain.complete(Integer.parseInt(p.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process died; the futures below report it
            }
            tls.completeExceptionally(new IllegalStateException("the KMS exited:\n" + output));
            plain.completeExceptionally(new IllegalStateException("the KMS exited:\n" + output));
        });
        try {
            this.tlsPort = tls.get(90, TimeUnit.SECONDS);
            this.plainPort = plain.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** A KMS in {@code home} on free ports, with more flags (e.g. {@code --round-ms 200}). */
    public static KmsProcess start(Path home, String... flags) throws Exception {
        return new KmsProcess(home, 0, 0, Map.of(), List.of(flags));
    }

    /** A KMS with more JVM options (e.g. the launcher's {@code -XX:+UseCompactObjectHeaders}). */
    public static KmsProcess startWithJvm(Path home, List<String> jvm, String... flags) throws Exception {
        return new KmsProcess(home, 0, 0, Map.of(), jvm, List.of(flags));
    }

    /** A KMS with environment variables (e.g. {@code PGPASSWORD}). */
    public static KmsProcess start(Path home, Map<String, String> env, String... flags) throws Exception {
        return new KmsProcess(home, 0, 0, env, List.of(flags));
    }

    /** A new KMS on the same home and the same ports as {@code earlier} (which must be gone). */
    public static KmsProcess restart(Path home, KmsProcess earlier, String... flags) throws Exception {
        return new KmsProcess(home, earlier.plainPort, earlier.tlsPort, Map.of(), List.of(flags));
    }

    public int plainPort() {
        return plainPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** e.g. {@code http://127.0.0.1:41234}: public routes. */
    public String plainUrl() {
        return "http://127.0.0.1:" + plainPort;
    }

    /** e.g. {@code https://127.0.0.1:41235}: every route. */
    public String tlsUrl() {
        return "https://127.0.0.1:" + tlsPort;
    }

    /** What the KMS printed so far (for failure messages). */
    public String output() {
        return output.toString();
    }

    /** {@code kill -9}: the process ends at once, no shutdown hook, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as an operator would stop it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
