package qstcs.kms;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.server.common.CommandLine;

/**
 * The real KMS for the console's tests, wired through {@link Main#setup} like {@code ./qstcs kms}:
 * both listeners on 127.0.0.1, the TLS one with a certificate from the local CA in {@code home}
 * (which the console pins), operator routes on TLS only. It lives in the KMS's package because
 * the wiring is package-private; {@link #stop()} and {@link #start()} on the same ports let a test
 * take the KMS away and bring it back.
 */
public final class RunningKms implements AutoCloseable {
    private final Path home;
    private final String roundMs;
    private int port;
    private int tlsPort;
    private Kms kms;
    private WebServer server;

    private RunningKms(Path home, String roundMs) {
        this.home = home;
        this.roundMs = roundMs;
    }

    /** Starts a KMS with default-size rounds (65,536 qubits) every {@code roundMs} ms in {@code home}. */
    public static RunningKms start(Path home, int roundMs) {
        RunningKms k = new RunningKms(home, Integer.toString(roundMs));
        k.start();
        return k;
    }

    /** (Re)starts on the ports of the previous start, or on ephemeral ports the first time. */
    public synchronized void start() {
        Map<String, String> props = Map.of(
                "server.host", "127.0.0.1",
                "server.port", Integer.toString(port),
                "server.sockets.0.name", Main.TLS_SOCKET,
                "server.sockets.0.host", "127.0.0.1",
                "server.sockets.0.port", Integer.toString(tlsPort));
        Config config = Config.just(ConfigSources.create(props));
        String[] args = {"--home", home.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--tls-port", Integer.toString(tlsPort), "--round-ms", roundMs};
        KmsSettings settings = KmsSettings.from(config, CommandLine.parse(args, Main.valueFlags(), Set.of()));
        kms = Kms.open(settings, InstantSource.system(), QkdRandom.secure());
        WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
        Main.setup(b, kms, Main.serverIdentity(settings.home().directory("kms")).tls());
        server = b.build().start();
        kms.start();
        port = server.port();
        tlsPort = server.port(Main.TLS_SOCKET);
    }

    /** Stops the server and the link loop; the state directory stays. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (kms != null) {
            kms.close();
            kms = null;
        }
    }

    /** The TLS base URL, as an operator would pass it with {@code --kms}. */
    public String tlsUrl() {
        return "https://127.0.0.1:" + tlsPort;
    }

    public String plainUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path home() {
        return home;
    }

    /** A fresh device token for {@code deviceId} (as enrollment would give it); replaces any earlier one. */
    public synchronized String deviceToken(String deviceId) {
        return kms.identity().devices().issueToken(deviceId);
    }

    @Override
    public void close() {
        stop();
    }

    public static Path tempHome() {
        try {
            return Files.createTempDirectory("qstcs-console-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
