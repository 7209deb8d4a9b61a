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
import java.util.List;
import java.util.Map;
import java.util.Set;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.server.common.CommandLine;

/**
 * The real KMS for the client SDK's and chat window's tests: both listeners on ephemeral
 * loopback ports, real BB84 rounds (small and fast), a temporary home. It sits in the KMS's
 * package (test sources of console-fx only) because the KMS wires itself through package-private
 * {@code Main.setup}, as STYLE.md trait 1 asks; nothing here changes how the KMS behaves.
 */
public final class LiveKms implements AutoCloseable {
    private final Kms kms;
    private final WebServer server;
    private final Path home;
    private final Map<String, String> deviceTokens = new java.util.HashMap<>();

    private LiveKms(Path home) {
        this.home = home;
        Config config = Config.just(ConfigSources.create(Map.of(
                "server.host", "127.0.0.1",
                "server.port", "0",
                "server.sockets.0.name", Main.TLS_SOCKET,
                "server.sockets.0.host", "127.0.0.1",
                "server.sockets.0.port", "0")));
        // Production round size and pace, so these tests see what the demo sees. (Smaller rounds
        // once exposed a Cascade livelock that held the round lock and stalled force_attack; fixed
        // in b161034, but the production size keeps the tests honest about timing.)
        List<String> args = List.of("--home", home.toString(), "--bind", "127.0.0.1", "--port", "0",
                "--tls-port", "0");
        KmsSettings settings = KmsSettings.from(config, CommandLine.parse(args.toArray(String[]::new),
                Main.valueFlags(), Set.of()));
        kms = Kms.open(settings, InstantSource.system(), QkdRandom.secure());
        WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
        Main.setup(b, kms, Main.serverIdentity(settings.home().directory("kms")).tls());
        server = b.build().start();
        kms.start();
    }

    public static LiveKms start() {
        try {
            return new LiveKms(Files.createTempDirectory("qstcs-chat-kms"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plain-HTTP base URL (public routes only), e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The TLS base URL: device and operator routes (DESIGN §7). */
    public String tlsUrl() {
        return "https://127.0.0.1:" + server.port(Main.TLS_SOCKET);
    }

    /** The CA a client pins for {@link #tlsUrl()}. */
    public CaFingerprint ca() {
        return kms.identity().ca().fingerprint();
    }

    /** A device token for {@code deviceId}, issued once per id (as enrollment would). */
    public synchronized String deviceToken(String deviceId) {
        return deviceTokens.computeIfAbsent(deviceId, id -> kms.identity().devices().issueToken(id));
    }

    /** The operator token the KMS created in its home. */
    public String operatorToken() {
        try {
            return Files.readString(home.resolve("kms").resolve("operator.token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path home() {
        return home;
    }

    /** Waits until the key pool holds at least {@code bits}, so tests do not wait on refill rounds. */
    public void awaitPool(long bits) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (kms.link().snapshot().poolBits() < bits) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the KMS pool did not reach " + bits + " bits");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        server.stop();
        kms.close();
    }
}
