package qstcs.relay;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import qstcs.server.common.CommandLine;
import qstcs.server.common.CommandLine.UsageException;
import qstcs.server.common.StateHome;

/**
 * The command line of {@code ./qstcs relay}, merged over the YAML settings: flags win over
 * {@code $QSTCS_HOME/relay/application.yaml}, which wins over the defaults on the class path.
 */
final class RelayOptions {

    static final String USAGE = """
            Usage: ./qstcs relay [--home DIR] [--bind ADDR] [--port 8765] [--kms URL] [--insecure]

            Zero-knowledge WebSocket relay of QSTCS. Chat clients connect to ws://HOST:PORT/ and
            register a device id; the relay routes their sealed frames by recipient, reading only
            type, id, sender and recipient (never nonce, ciphertext, ek or ct), queues frames for
            offline devices, and closes every session (code 4403) when the KMS reports the quantum
            link RED. The link itself is a classical simulation of BB84; AES-GCM, HKDF and ML-KEM
            are real cryptography.

              --home DIR     state and settings directory (default $QSTCS_HOME or ~/.qstcs);
                             reads DIR/relay/application.yaml when present
              --bind ADDR    address to listen on (default 127.0.0.1; 0.0.0.0 with --insecure)
              --port N       WebSocket and HTTP port (default 8765; 0 picks a free one)
              --kms URL      KMS whose link status to follow (default http://127.0.0.1:8000;
                             "off" follows none)
              --insecure     allow plain ws:// on a non-loopback address (TLS comes later)
              --help         show this text

            HTTP on the same port: GET /stats, /observe/health, /observe/metrics.
            """;

    /** What the command line asked for: settings, or the help text. */
    record Parsed(RelaySettings settings, boolean help) {
    }

    private RelayOptions() {
    }

    /**
     * @throws UsageException for a flag or setting the relay cannot run with; the message says which
     */
    static Parsed parse(String[] args) {
        CommandLine flags = CommandLine.parse(args, Set.of("home", "bind", "port", "kms"), Set.of("insecure"));
        if (flags.help()) {
            return new Parsed(null, true);
        }
        StateHome home = StateHome.resolve(flags.string("home"));
        Config config = load(home.root());
        try {
            return new Parsed(settings(flags, config), false);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Config load(Path home) {
        Path local = home.resolve("relay").resolve("application.yaml");
        var builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource();
        if (Files.isRegularFile(local)) {
            builder.addSource(ConfigSources.file(local));
        }
        return builder.addSource(ConfigSources.classpath("relay/application.yaml")).build();
    }

    private static RelaySettings settings(CommandLine flags, Config config) {
        Config app = config.get("app");
        String bind = flags.string("bind").orElse(config.get("server.host").asString().orElse(null));
        int port = flags.integer("port", 0, 65535)
                .orElse(config.get("server.port").asInt().orElse(RelaySettings.DEFAULT_PORT));
        String kms = flags.string("kms").orElse(app.get("kms-url").asString().orElse("off"));
        boolean insecure = flags.isSet("insecure") || app.get("insecure").asBoolean().orElse(false);
        return new RelaySettings(bind, port, kmsUri(kms), insecure, RelayLimits.from(app.get("limits")),
                app.get("link-wait-seconds").asInt().orElse(25));
    }

    private static Optional<URI> kmsUri(String s) {
        // YAML reads a bare off as the boolean false.
        if (s.isBlank() || s.equals("off") || s.equals("false")) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(s);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kms must be an http(s) URL like http://127.0.0.1:8000 or 'off', was '" + s + "'");
        }
    }
}
