package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.server.common.CommandLine;

/**
 * A running KMS in this JVM, wired exactly as {@code ./qstcs kms} wires it ({@link Main#setup}),
 * for other modules' tests and embedded use: both listeners, the link loop, the identity state in
 * the given home. Like {@code qstcs.relay.RelayServer.start}, it is the one public way in, so
 * nobody needs to sit in this package to reach the package-private wiring.
 */
public final class KmsServer implements AutoCloseable {
    private final Kms kms;
    private final WebServer server;

    private KmsServer(Kms kms, WebServer server) {
        this.kms = kms;
        this.server = server;
    }

    /**
     * Starts a KMS with the command line of {@code ./qstcs kms} (e.g. {@code --home DIR --bind
     * 127.0.0.1 --port 0 --tls-port 0 --round-ms 300}); port 0 picks a free port. Flags are
     * validated as the command validates them ({@link CommandLine.UsageException} on a bad one).
     */
    public static KmsServer start(String... flags) {
        CommandLine cli = CommandLine.parse(flags, Main.valueFlags(), Main.switches());
        KmsSettings settings = KmsSettings.from(Config.empty(), cli);
        Kms kms = Kms.open(settings, InstantSource.system());
        WebServer server;
        try {
            WebServerConfig.Builder b = WebServer.builder().shutdownHook(false);
            Main.setup(b, kms, kms.identity().serverIdentity().tls());
            server = b.build().start();
        } catch (RuntimeException e) {
            kms.close();
            throw e;
        }
        kms.start();
        return new KmsServer(kms, server);
    }

    /**
     * For tests: a KMS in {@code home} on 127.0.0.1, both listeners on free ports, plus any other
     * flags (e.g. {@code "--round-ms", "300"}).
     */
    public static KmsServer startOnLoopback(Path home, String... flags) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--home", home.toString(),
                "--bind", "127.0.0.1", "--port", "0", "--tls-port", "0"));
        all.addAll(java.util.List.of(flags));
        return start(all.toArray(String[]::new));
    }

    /** A fresh temporary state directory, for tests. */
    public static Path tempHome(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plain HTTP port (public routes, router heartbeats). */
    public int port() {
        return server.port();
    }

    public int tlsPort() {
        return server.port(Main.TLS_SOCKET);
    }

    /** e.g. {@code http://127.0.0.1:41234} (the host is the loopback address whatever --bind says). */
    public String plainUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The TLS base URL: device and operator routes (DESIGN §7). */
    public String tlsUrl() {
        return "https://127.0.0.1:" + tlsPort();
    }

    /** The CA a client pins for {@link #tlsUrl()}. */
    public CaFingerprint ca() {
        return kms.identity().ca().fingerprint();
    }

    public Path home() {
        return kms.settings().home().root();
    }

    /** A new device token for {@code deviceId}, as enrollment would give it (replaces any earlier one). */
    public String issueDeviceToken(String deviceId) {
        return kms.identity().devices().issueToken(deviceId);
    }

    /** The operator token from {@code <home>/kms/operator.token}. */
    public String operatorToken() {
        try {
            return Files.readString(home().resolve("kms").resolve("operator.token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Key bits now in the pool (tests wait for some before asking for keys). */
    public long poolBits() {
        return kms.link().snapshot().poolBits();
    }

    /** Stops the listeners and the link loop; the state directory stays. */
    @Override
    public void close() {
        server.stop();
        kms.close();
    }
}
