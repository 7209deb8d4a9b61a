package qstcs.guard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real Java KMS and relay, each its own JVM started with {@code ip netns exec} in the server
 * namespace, using the JDK and class path of the test JVM. Inside the namespace they listen on
 * their product ports (8000, 8443, 8765): nothing else can collide there, and the guard is tested
 * with exactly the ports a deployment uses.
 */
final class LabServers {
    static final int KMS_PORT = 8000;
    static final int KMS_TLS_PORT = 8443;
    static final int CHAT_PORT = 8765;

    private final RouterLab lab;
    final Path home;
    private NamespaceProcess kms;
    private NamespaceProcess relay;

    LabServers(RouterLab lab) {
        this.lab = lab;
        this.home = lab.logDir.resolve("qstcs-home");
    }

    void startKms() {
        kms = lab.start("kms", lab.server, Map.of("QSTCS_HOME", home.toString()), java("qstcs.kms.Main",
                "--home", home.toString(), "--bind", "0.0.0.0", "--port", "" + KMS_PORT, "--tls-port", "" + KMS_TLS_PORT,
                // Small rounds: the guard's reaction is under test, not the BB84 engine's throughput.
                "--round-ms", "500", "--qubits", "16384"));
        awaitPort(kms, KMS_PORT, Duration.ofSeconds(90));
        awaitPort(kms, KMS_TLS_PORT, Duration.ofSeconds(30));
    }

    /**
     * The relay here follows no KMS ({@code --kms off}): its own RED reaction (closing sessions)
     * would otherwise race the firewall, and these tests must show what the router alone does.
     */
    void startRelay() {
        relay = lab.start("relay", lab.server, Map.of("QSTCS_HOME", home.toString()), java("qstcs.relay.Main",
                "--home", home.toString(), "--bind", RouterLab.SERVER_IP, "--port", "" + CHAT_PORT, "--kms", "off",
                "--insecure"));
        awaitPort(relay, CHAT_PORT, Duration.ofSeconds(90));
    }

    /** Stops the KMS process the way an operator would (SIGTERM). */
    void stopKms() {
        if (kms != null) {
            kms.stop();
        }
    }

    NamespaceProcess kmsProcess() {
        return kms;
    }

    /** The router token the KMS created, or null while the KMS has none. */
    String routerToken() {
        return readToken("router.token");
    }

    String operatorToken() {
        return readToken("operator.token");
    }

    private String readToken(String file) {
        Path p = home.resolve("kms").resolve(file);
        try {
            return Files.isReadable(p) ? Files.readString(p).strip() : null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p, e);
        }
    }

    private void awaitPort(NamespaceProcess p, int port, Duration timeout) {
        NamespaceThread server = lab.thread(lab.server);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(p + " exited before listening on " + port + ". Output:\n" + p.output());
            }
            try (Socket s = server.newSocket()) {
                s.connect(new InetSocketAddress(RouterLab.SERVER_IP, port), 500);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        throw new AssertionError(p + " not listening on " + port + " after " + timeout.toSeconds() + " s. Output:\n"
                + p.output());
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
