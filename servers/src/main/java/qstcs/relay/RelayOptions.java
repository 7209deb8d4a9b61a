package qstcs.relay;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import qstcs.server.common.CommandLine;
import qstcs.server.common.CommandLine.UsageException;
import qstcs.relay.auth.RelayIdentity;
import qstcs.crypto.home.StateHome;

/**
 * The command line of {@code ./qstcs relay}, merged over the YAML settings: flags win over
 * {@code $QSTCS_HOME/relay/application.yaml}, which wins over the defaults on the class path.
 */
final class RelayOptions {

    static final String USAGE = """
            Usage: ./qstcs relay [--home DIR] [--bind ADDR] [--port 8765] [--kms URL] [--kms-tls URL]
                                 [--tls-cert FILE] [--san NAME[,NAME...]] [--insecure]
                                 [--cluster nats://HOST:PORT [--node NAME]] [--io loop|helidon]
                                 [--max-connections N]

            Zero-knowledge WebSocket relay of QSTCS. Chat clients connect to wss://HOST:PORT/ and
            register a device id with their device token (checked with the KMS); the relay routes their sealed frames by recipient, reading only
            type, id, sender and recipient (never nonce, ciphertext, ek or ct), queues frames for
            offline devices, and closes every session (code 4403) when the KMS reports the quantum
            link RED. The link itself is a classical simulation of BB84; AES-GCM, HKDF and ML-KEM
            are real cryptography.

              --home DIR     state and settings directory (default $QSTCS_HOME or ~/.qstcs);
                             reads DIR/relay/application.yaml when present
              --bind ADDR    address to listen on (default 0.0.0.0; 127.0.0.1 for plain ws
                             without --insecure)
              --port N       WebSocket and HTTP port (default 8765; 0 picks a free one)
              --kms URL      KMS whose link status to follow (default http://127.0.0.1:8000;
                             "off" follows none, which needs --insecure)
              --kms-tls URL  the KMS TLS URL for device-token checks (default: --kms host, port 8443)
              --tls-cert F   key + certificate PEM from ./qstcs kms issue-cert (relay on another
                             machine); default: issued at start by the CA in DIR/kms/
              --san NAMES    more host names/addresses for the certificate issued at start
              --insecure     plain ws:// on any address WITHOUT device tokens (lab use only)
              --cluster URL  join the relays sharing the NATS JetStream server at URL
                             (nats://HOST:4222): a device may register on any of them; frames,
                             acks, presence and offline queues go through the server's stream
              --node NAME    this relay's name in the cluster (default HOSTNAME-PORT); unique
              --io MODE      socket I/O: loop (default) is the relay's own event loop, one
                             thread reading, routing and writing with non-blocking sockets;
                             helidon is Helidon's WebSocket server (a thread per connection)
              --max-connections N
                             connections held at once; newer ones are closed at accept (default:
                             what the heap bears, N x 8 KiB <= half of it on the loop, 48 KiB
                             with helidon, and the descriptor limit; the banner prints N)
              --help         show this text

            Needs the relay token: DIR/kms/relay.token (the KMS writes it) or QSTCS_RELAY_TOKEN.
            HTTPS on the same port: GET /stats, /observe/health, /observe/metrics.
            """;

    /**
     * What the command line asked for: settings, or the help text; and where the relay's TLS and
     * token material comes from (unused with {@code --insecure}).
     */
    record Parsed(RelaySettings settings, boolean help, Path home, Optional<Path> tlsCert, Optional<URI> kmsTls,
                  List<String> sans) {
    }

    private RelayOptions() {
    }

    /**
     * @throws UsageException for a flag or setting the relay cannot run with; the message says which
     */
    static Parsed parse(String[] args) {
        CommandLine flags = CommandLine.parse(args, Set.of("home", "bind", "port", "kms", "kms-tls", "tls-cert", "san", "cluster", "node", "io",
                        "max-connections"),
                Set.of("insecure"));
        StateHome home = StateHome.resolve(flags.string("home"));
        if (flags.help()) {
            return new Parsed(null, true, home.root(), Optional.empty(), Optional.empty(), List.of());
        }
        Config config = load(home.root());
        RelaySettings settings;
        try {
            settings = settings(flags, config);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (!settings.insecure() && settings.kms().isEmpty()) {
            throw new UsageException("device tokens are checked with the KMS: give --kms URL (or --insecure for a"
                    + " plain ws relay without tokens)");
        }
        Optional<URI> kmsTls = flags.string("kms-tls").map(RelayOptions::kmsTlsUri)
                .or(() -> settings.kms().map(RelayIdentity::tlsUrlFor));
        List<String> sans = flags.string("san").map(v -> List.of(v.split(","))).orElse(List.of()).stream()
                .map(String::strip).filter(x -> !x.isEmpty()).toList();
        return new Parsed(settings, false, home.root(), flags.string("tls-cert").map(Path::of), kmsTls, sans);
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
        Optional<String> cluster = flags.string("cluster").or(() -> app.get("cluster").asString().asOptional());
        if (cluster.isEmpty() && flags.string("node").isPresent()) {
            throw new UsageException("--node names this relay in a cluster: give --cluster nats://HOST:PORT too");
        }
        Optional<RelaySettings.Cluster> member = cluster.map(url -> new RelaySettings.Cluster(natsUri(url),
                flags.string("node").or(() -> app.get("node").asString().asOptional())
                        .orElseGet(() -> defaultNode(port))));
        RelaySettings.Io io = RelaySettings.Io.parse(flags.string("io")
                .orElse(app.get("io").asString().orElse(RelaySettings.Io.DEFAULT.name())));
        RelayLimits limits = RelayLimits.from(app.get("limits"));
        limits = limits.withMaxConnections(flags.integer("max-connections", 1, 1_000_000)
                .orElse(limits.maxConnections()));
        java.time.Duration wakePause = java.time.Duration.ofNanos(1000L * app.get("wake-pause-micros").asInt()
                .orElse((int) (RelaySettings.DEFAULT_WAKE_PAUSE.toNanos() / 1000)));
        return new RelaySettings(bind, port, kmsUri(kms), insecure, limits,
                app.get("link-wait-seconds").asInt().orElse(25), member, io, wakePause);
    }

    private static URI natsUri(String s) {
        try {
            URI uri = URI.create(s.strip());
            if (!"nats".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cluster must be a NATS URL like nats://10.0.0.5:4222, was '" + s + "'");
        }
    }

    /** The host name and port: unique for relays on one machine, readable in logs. */
    private static String defaultNode(int port) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "relay";
        }
        String clean = host.replaceAll("[^A-Za-z0-9_-]", "-");
        clean = clean.isEmpty() || !Character.isLetterOrDigit(clean.charAt(0)) ? "relay" : clean;
        String suffix = "-" + (port == 0 ? ProcessHandle.current().pid() : port);
        return clean.substring(0, Math.min(clean.length(), 64 - suffix.length())) + suffix;
    }

    private static URI kmsTlsUri(String s) {
        try {
            URI uri = URI.create(s);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kms-tls must be an https URL like https://127.0.0.1:8443, was '" + s + "'");
        }
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
