package qstcs.kms;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;

import qstcs.crypto.qkd.CascadeVariant;
import qstcs.crypto.tls.RelayAddresses;
import qstcs.kms.etsi014.SaeIds;
import qstcs.kms.identity.KmsIdentity;
import qstcs.kms.store.PostgresUrl;
import qstcs.server.common.CommandLine;
import qstcs.server.http.ConnectionGate;
import qstcs.crypto.home.StateHome;

/**
 * Every setting of the KMS, from {@code application.yaml} ({@code server:} for listeners,
 * {@code app:} for the rest) with command-line flags winning.
 */
record KmsSettings(StateHome home, String bind, int port, int tlsPort, Duration roundInterval, int qubits,
                   double noise, double sampleFraction, CascadeVariant cascade, long poolCapBits, int messageBudget,
                   Duration keyMaxAge, long maxBodyBytes, KmsIdentity.Options identity, String kmeId,
                   Optional<PostgresUrl> db, String instance, Duration silentDeadline) {

    /** The engine's recommended variant unless {@code app.cascade} names another. */
    static final CascadeVariant DEFAULT_CASCADE = CascadeVariant.fastest();

    static KmsSettings from(Config config, CommandLine flags) {
        Config app = config.get("app");
        Config server = config.get("server");
        String bind = flags.string("bind").orElseGet(() -> server.get("host").asString().orElse("0.0.0.0"));
        int port = flags.integer("port", 0, 65535).orElseGet(() -> server.get("port").asInt().orElse(8000));
        int tlsPort = flags.integer("tls-port", 0, 65535).orElseGet(() -> tlsSocket(server).get("port").asInt().orElse(8443));
        int roundMs = flags.integer("round-ms", 1, 3_600_000).orElseGet(() -> app.get("round-ms").asInt().orElse(500));
        int qubits = flags.integer("qubits", 64, 1 << 26).orElseGet(() -> app.get("qubits").asInt().orElse(65_536));
        double noise = flags.decimal("noise", 0.0, 0.5).orElseGet(() -> app.get("noise").asDouble().orElse(0.01));
        Config keys = app.get("keys");
        return new KmsSettings(
                StateHome.resolve(flags.string("home").or(() -> app.get("home").asString().asOptional())),
                bind, port, tlsPort, Duration.ofMillis(roundMs), qubits, noise,
                app.get("sample-fraction").asDouble().orElse(0.10),
                cascade(app.get("cascade").asString().orElse(DEFAULT_CASCADE.name())),
                app.get("pool-cap-bits").asLong().orElse(1L << 20),
                keys.get("message-budget").asInt().orElse(1000),
                keys.get("max-age").as(Duration.class).orElse(Duration.ofHours(1)),
                app.get("max-body-bytes").asLong().orElse(1L << 20),
                new KmsIdentity.Options(tlsPort,
                        flags.string("public-host").or(() -> app.get("public-host").asString().asOptional())
                                .or(() -> boundToOneAddress(bind)),
                        flags.string("relay-url").or(() -> app.get("relay-url").asString().asOptional()).map(KmsSettings::relayUrls),
                        flags.string("san").map(KmsSettings::names).orElse(List.of()),
                        flags.isSet("provision-demo")),
                kmeId(flags.string("kme-id").or(() -> app.get("kme-id").asString().asOptional())),
                flags.string("db").or(() -> app.get("db").asString().asOptional()).map(KmsSettings::database),
                flags.string("instance").or(() -> app.get("instance").asString().asOptional())
                        .map(KmsSettings::instanceName).orElseGet(KmsSettings::defaultInstance),
                silentDeadline(app.get("silent-deadline").as(Duration.class)
                        .orElse(ConnectionGate.Limits.SILENT_DEADLINE)));
    }

    /**
     * {@code app.silent-deadline}: how long a new connection on either listener may send no byte
     * at all before it is closed; positive and no longer than the head deadline.
     */
    private static Duration silentDeadline(Duration d) {
        if (d.isNegative() || d.isZero() || d.compareTo(KmsServer.READ_TIMEOUT) > 0) {
            throw new CommandLine.UsageException("app.silent-deadline must be positive and at most "
                    + KmsServer.READ_TIMEOUT + ", was " + d);
        }
        return d;
    }

    /** {@code --kme-id}, else {@code KME-} and the host name, cut to the SAE/KME id rule. */
    private static String kmeId(Optional<String> given) {
        if (given.isPresent()) {
            if (!SaeIds.valid(given.get())) {
                throw new CommandLine.UsageException("--kme-id must be " + SaeIds.RULE + ", was '" + given.get() + "'");
            }
            return given.get();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        String id = ("KME-" + host.replaceAll("[^A-Za-z0-9_.-]", "-"));
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    private static PostgresUrl database(String text) {
        try {
            return PostgresUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }

    private static String instanceName(String text) {
        if (!text.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new CommandLine.UsageException("--instance must be 1-64 letters, digits, '_', '.' or '-', was '" + text + "'");
        }
        return text;
    }

    /** Host name and process id: unique among the KMS processes sharing a database. */
    private static String defaultInstance() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "kms";
        }
        String clean = host.replaceAll("[^A-Za-z0-9_.-]", "");
        return (clean.isEmpty() ? "kms" : clean) + "-" + ProcessHandle.current().pid();
    }

    /**
     * A KMS bound to one address (e.g. {@code --bind 127.0.0.1}) is reachable only there, so
     * enrollment strings must name it rather than the first LAN address.
     */
    private static Optional<String> boundToOneAddress(String bind) {
        return switch (bind) {
            case "0.0.0.0", "::", "[::]", "" -> Optional.empty();
            default -> Optional.of(bind);
        };
    }

    private static List<String> names(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** One relay URL, or the relays of one cluster comma-separated, as enrollment strings carry them. */
    private static List<URI> relayUrls(String text) {
        try {
            return RelayAddresses.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--relay-url must look like wss://HOST:8765[,wss://HOST2:8765...]: "
                    + e.getMessage());
        }
    }

    private static CascadeVariant cascade(String name) {
        try {
            return CascadeVariant.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("app.cascade must be one of "
                    + java.util.Arrays.toString(CascadeVariant.values()) + ", got '" + name + "'");
        }
    }

    /** The named TLS listener's node under {@code server.sockets}. */
    static Config tlsSocket(Config server) {
        for (Config socket : server.get("sockets").asNodeList().orElse(java.util.List.of())) {
            if (socket.get("name").asString().orElse("").equals(KmsServer.TLS_SOCKET)) {
                return socket;
            }
        }
        return Config.empty();
    }
}
