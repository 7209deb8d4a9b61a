package qstcs.kms;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import qstcs.crypto.qkd.QkdRandom;
import qstcs.kms.pki.HostNames;
import qstcs.kms.pki.IssueCertCommand;
import qstcs.kms.pki.LocalCa;
import qstcs.kms.pki.ServerIdentity;
import qstcs.server.common.ApiError;
import qstcs.server.common.CommandLine;
import qstcs.server.common.JsonErrors;
import qstcs.server.common.ListenBanner;

/**
 * {@code ./qstcs kms}: the key management service. The server is wired only here:
 * {@link #setup} (both listeners, observability) and {@link #routing} (every route), which
 * tests call with their own configuration.
 */
public final class Main {
    /** Name of the TLS listener in {@code server.sockets}. */
    static final String TLS_SOCKET = "tls";

    static final String EXAMPLE_KEY_ID = "123e4567-e89b-12d3-a456-426614174000";
    private static final Duration SERVER_CERT_VALIDITY = Duration.ofDays(397);
    private static final Set<String> VALUE_FLAGS = Set.of("home", "bind", "port", "tls-port", "round-ms", "qubits", "noise",
            "san", "public-host", "relay-url", "db", "instance");
    private static final Set<String> SWITCHES = Set.of("provision-demo");

    /** Every route path and its methods, for 405 (known path) versus 404 (unknown path). */
    private static final Map<String, String> ROUTES = Map.ofEntries(
            Map.entry("/link_status", "GET"),
            Map.entry("/get_session_key", "POST"),
            Map.entry("/force_attack", "POST"),
            Map.entry("/reset", "POST"),
            Map.entry("/eve", "POST"),
            Map.entry("/events", "GET"),
            Map.entry("/router/heartbeat", "POST"),
            Map.entry("/admin/audit", "GET"),
            Map.entry("/admin/enrollments", "POST"),
            Map.entry("/admin/devices", "GET"),
            Map.entry("/enroll", "POST"),
            Map.entry("/auth/introspect", "POST"),
            Map.entry("/auth/revocations", "GET"));

    private Main() {
    }

    /** The flags that take a value (DESIGN.md §2). */
    static Set<String> valueFlags() {
        return VALUE_FLAGS;
    }

    /** The flags that take none. */
    static Set<String> switches() {
        return SWITCHES;
    }

    static final String USAGE = """
            Usage: ./qstcs kms [--home DIR] [--bind ADDR] [--port 8000] [--tls-port 8443]
                               [--round-ms 500] [--qubits 65536] [--noise 0.01]
                               [--san NAME[,NAME...]] [--public-host HOST] [--relay-url URL]
                               [--provision-demo] [--db postgresql://USER@HOST:PORT/DB [--instance NAME]]
                   ./qstcs kms issue-cert --for relay --san HOST[,HOST...] --out FILE [--home DIR]

            QSTCS key management service. Runs a SIMULATED BB84 quantum link (a classical
            simulation, not quantum hardware) in rounds, pools the final key bits, and hands
            256-bit pair keys to devices over HTTP. The link turns RED (all keys revoked) when
            the estimated QBER reaches 11 %, until an operator resets it.

              --home DIR       state directory (default $QSTCS_HOME or ~/.qstcs); the audit log
                               and the local CA that issues the TLS certificate live in DIR/kms/
              --bind ADDR      listen address (default 0.0.0.0: every interface)
              --port N         plain HTTP port, public read-only routes (default 8000)
              --tls-port N     HTTPS port, every route (default 8443)
              --round-ms N     pause between link rounds in milliseconds (default 500)
              --qubits N       qubits sent per round (default 65536)
              --noise E        channel bit-flip probability, 0..0.5 (default 0.01)
              --san NAMES      extra host names/addresses for the TLS certificate (localhost,
                               127.0.0.1, the host name and LAN addresses are always in it)
              --public-host H  host devices use in enrollment strings (default: the --bind
                               address, or the first LAN address when binding every interface)
              --relay-url URL  relay put in enrollment strings (default wss://PUBLIC-HOST:8765)
              --provision-demo give Soldier_Alpha and Soldier_Bravo device tokens now and write
                               DIR/devices/<id>.json, which ./qstcs chat --device ID reads
              --db URL         keep devices, enrollment codes, token hashes, revocations and the
                               audit log in PostgreSQL (password from PGPASSWORD) instead of
                               DIR/kms/*.db. Several KMS processes may share one database: one
                               leads the quantum link, the others stand by (key and link routes
                               answer 503 "standby") and take over within 2 s when it dies.
                               Every process needs the same DIR/kms/ CA and tokens.
              --instance NAME  this process's name in the audit log (default HOST-PID)

            Identity (DIR/kms/): local CA ca.crt/ca.key (clients pin its SHA-256 fingerprint),
            operator.token, router.token, relay.token (0600; QSTCS_OPERATOR_TOKEN,
            QSTCS_ROUTER_TOKEN, QSTCS_RELAY_TOKEN override), identity.db (hashed device tokens).
            Device and operator routes need TLS and a token; the plain port answers them 403.

            Defaults come from application.yaml (server: and app:); flags win.
            Stop with Ctrl-C or SIGTERM.
            """;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("issue-cert")) {
            System.exit(IssueCertCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        CommandLine flags;
        try {
            flags = CommandLine.parse(args, VALUE_FLAGS, SWITCHES);
            if (flags.help()) {
                System.out.print(USAGE);
                return;
            }
            // Validate every flag before starting anything.
            KmsSettings.from(Config.empty(), flags);
        } catch (CommandLine.UsageException e) {
            System.err.println("qstcs kms: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        LogConfig.configureRuntime();
        Config config = Config.create();
        KmsSettings settings = KmsSettings.from(config, flags);

        Kms kms;
        try {
            kms = Kms.open(settings, InstantSource.system(), QkdRandom.secure());
        } catch (UncheckedIOException e) {
            System.err.println("qstcs kms: " + e.getMessage());
            System.exit(1);
            return;
        }
        ServerIdentity identity = kms.identity().serverIdentity();
        WebServerConfig.Builder builder = WebServer.builder().config(config.get("server")).shutdownHook(false);
        setup(builder, kms, identity.tls());
        WebServer server;
        try {
            server = builder.build().start();
        } catch (RuntimeException e) {
            kms.close();
            System.err.println("qstcs kms: cannot start: " + e.getMessage()
                    + " (is another KMS already running on port " + settings.port() + " or " + settings.tlsPort() + "?)");
            System.exit(1);
            return;
        }
        kms.start();
        printBanner(System.out, settings, server, identity);
        printIdentity(System.out, kms);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("qstcs kms: stopping…");
            server.stop();
            kms.close();
            System.out.println("qstcs kms: stopped");
            stopped.countDown();
        }, "kms-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A server certificate issued by the local CA in {@code kmsDir} (created on first use), for
     * tests that wire {@link #setup} themselves; {@code ./qstcs kms} uses the one its
     * {@link Kms#identity()} issued at start, from the same CA.
     */
    static ServerIdentity serverIdentity(Path kmsDir) {
        try {
            return LocalCa.loadOrCreate(kmsDir, Clock.systemUTC())
                    .issueServer("QSTCS KMS", HostNames.localSans(List.of()), Duration.ofDays(90));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the local CA in " + kmsDir, e);
        }
    }

    /**
     * Both listeners on the settings' address and ports: plain {@code @default} and the named
     * TLS socket. Routes are the same on both; {@link AccessPolicy} decides what the plain
     * listener may serve. Observability ({@code /observe/health}, {@code /observe/metrics}) is on both.
     */
    static void setup(WebServerConfig.Builder server, Kms kms, Tls tls) {
        KmsSettings s = kms.settings();
        ListenerConfig.Builder tlsListener = ListenerConfig.builder();
        ListenerConfig configured = server.sockets().get(TLS_SOCKET);
        if (configured != null) {
            tlsListener.from(configured);
        }
        // address() too: from(configured) copied the address resolved from application.yaml's host
        // (0.0.0.0), and Helidon prefers the address over host(), so --bind was ignored for TLS.
        tlsListener.name(TLS_SOCKET).host(s.bind()).address(bindAddress(s.bind())).port(s.tlsPort()).tls(tls)
                .directHandlers(JsonErrors.directHandlers());
        server.host(s.bind())
                .port(s.port())
                .directHandlers(JsonErrors.directHandlers())
                .putSocket(TLS_SOCKET, tlsListener.build())
                .routing(r -> routing(r, kms))
                .routing(TLS_SOCKET, r -> routing(r, kms))
                .addFeature(ObserveFeature.builder()
                        .sockets(List.of(WebServer.DEFAULT_SOCKET_NAME, TLS_SOCKET))
                        .addObserver(HealthObserver.builder()
                                .details(true)
                                .useSystemServices(false)
                                .addCheck(() -> HealthCheckResponse.builder()
                                        .status(kms.quantumLink().running())
                                        .detail("round", kms.link().snapshot().round())
                                        .detail("leads_link", kms.leadsLink())
                                        .detail("stalled_seconds", kms.quantumLink().stalledFor().toSeconds())
                                        .build(), HealthCheckType.LIVENESS, "link-loop")
                                .addCheck(() -> HealthCheckResponse.builder()
                                        .status(kms.audit().healthy())
                                        .build(), HealthCheckType.READINESS, "audit-log")
                                .build())
                        .addObserver(MetricsObserver.builder().meterRegistry(kms.metrics().registry()).build())
                        .build());
    }

    private static java.net.InetAddress bindAddress(String host) {
        try {
            return java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the bind address " + host, e);
        }
    }

    /** Every KMS route, then JSON 405/404 for the rest, and the error mapping. */
    static void routing(HttpRouting.Builder routing, Kms kms) {
        RouteGuard guard = new RouteGuard(kms.access(), kms.metrics());
        long maxBody = kms.settings().maxBodyBytes();
        routing.register(new LinkStatusService(kms.link(), guard))
                .register(new SessionKeyService(kms.link(), kms.quantumLink(), guard, maxBody))
                .register(new OperatorService(kms.link(), kms.quantumLink(), kms.audit(), guard, maxBody))
                .register(new EventStreamService(kms.events(), kms.link(), kms.routers(), guard))
                .register(new RouterService(kms.routers(), kms.link(), guard, maxBody))
                .register(kms.identityService())
                .any(Main::fallback);
        JsonErrors.register(routing);
        routing.error(LinkStandbyException.class, (req, res, e) -> {
            // One second is about the take-over time: a client retrying then reaches the new leader.
            res.header(HeaderNames.RETRY_AFTER, "1");
            JsonErrors.send(res, ApiError.unavailable("standby", e.getMessage()));
        });
        routing.error(KeyAccessException.class, (req, res, e) -> {
            ApiError mapped = switch (e.reason()) {
                case UNKNOWN -> ApiError.notFound("unknown_key", e.getMessage());
                case NOT_A_MEMBER -> ApiError.forbidden(e.getMessage());
                case REVOKED -> new ApiError(Status.GONE_410, "key_revoked", e.getMessage());
            };
            JsonErrors.send(res, mapped);
        });
    }

    private static void fallback(io.helidon.webserver.http.ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
        String path = req.path().path();
        if (path.startsWith("/observe")) {
            res.next(); // served by the observe feature
            return;
        }
        String allowed = path.startsWith("/keys/") ? "GET"
                : path.startsWith("/admin/devices/") ? "DELETE" : ROUTES.get(path);
        if ("GET".equals(allowed) && path.startsWith("/keys/") && req.prologue().method().text().equals("GET")) {
            // A key id that spans segments once decoded (e.g. ..%2F..%2Fetc) is not a key id.
            throw ApiError.badRequest("invalid_key_id", "key_id must be a UUID such as " + EXAMPLE_KEY_ID);
        }
        if (allowed != null) {
            res.header(HeaderNames.ALLOW, allowed);
            throw new ApiError(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                    req.prologue().method().text() + " is not supported on " + path + "; use " + allowed);
        }
        throw ApiError.notFound("not_found", "no such route; see docs/kms-api.md for the API");
    }

    static void printBanner(PrintStream out, KmsSettings s, WebServer server, ServerIdentity identity) {
        out.println("QSTCS KMS — simulated BB84 quantum link (classical simulation, not quantum hardware)");
        out.println("Listening:");
        ListenBanner.printListener(out, "http", s.bind(), server.port(), "public: /link_status, /observe/*, /router/heartbeat");
        ListenBanner.printListener(out, "https", s.bind(), server.port(TLS_SOCKET), "all routes");
        out.println("TLS: certificate issued by the local CA " + identity.caFingerprint()
                + " (" + s.home().root().resolve("kms").resolve(LocalCa.CERT_FILE) + ")");
        out.println(s.db().isPresent()
                ? "State: " + s.db().get() + " (devices, audit log), shared; instance " + s.instance()
                        + "; CA and tokens in " + s.home().root().resolve("kms")
                : "State: " + s.home().root().resolve("kms") + "  (audit log audit.db)");
        out.printf("Link: %d qubits per round every %d ms, channel noise %.3f%n",
                s.qubits(), s.roundInterval().toMillis(), s.noise());
    }

    static void printIdentity(PrintStream out, Kms kms) {
        Path kmsDir = kms.settings().home().root().resolve("kms");
        out.println("Identity: operator token in " + kmsDir.resolve("operator.token") + "; router token in "
                + kmsDir.resolve("router.token") + "; relay token in " + kmsDir.resolve("relay.token"));
        out.println("  device and operator routes: TLS port only, with a token (the plain port answers 403)");
        out.println("  new device: ./qstcs enroll DEVICE_ID   (enrollment strings name " + kms.identity().enrollment().publicHost()
                + ":" + kms.identity().enrollment().tlsPort() + " and relay " + kms.identity().enrollment().relayUrl() + ")");
        for (Path device : kms.identity().provisioned()) {
            out.println("  provisioned " + device);
        }
    }
}
