package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

import io.helidon.common.tls.Tls;
import io.helidon.config.Config;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.kms.identity.AccessPolicy;
import qstcs.kms.store.StorageUnavailableException;
import qstcs.server.common.ApiError;
import qstcs.server.common.CommandLine;
import qstcs.server.common.JsonErrors;
import qstcs.server.http.ConnectionBudget;
import qstcs.server.http.ConnectionGate;

/**
 * A running KMS: both listeners, every route, observability, the link loop and the identity
 * state in its home. The server is wired only here ({@link #setup} for the listeners and
 * observability, {@link #routing} for the route table); {@code ./qstcs kms}, other modules' tests
 * and embedded use all start it through {@link #start}.
 */
public final class KmsServer implements AutoCloseable {
    /** Name of the TLS listener in {@code server.sockets}. */
    static final String TLS_SOCKET = "tls";
    /** A key id as the KMS hands them out, for error messages. */
    static final String EXAMPLE_KEY_ID = "123e4567-e89b-12d3-a456-426614174000";

    private final Kms kms;
    private final WebServer server;
    private final List<ConnectionGate> gates;

    private KmsServer(Kms kms, WebServer server, List<ConnectionGate> gates) {
        this.kms = kms;
        this.server = server;
        this.gates = gates;
    }

    /**
     * Starts a KMS with the command line of {@code ./qstcs kms} (e.g. {@code --home DIR --bind
     * 127.0.0.1 --port 0 --tls-port 0 --round-ms 300}); port 0 picks a free port. Flags are
     * validated as the command validates them ({@link CommandLine.UsageException} on a bad one).
     */
    public static KmsServer start(String... flags) {
        CommandLine cli = CommandLine.parse(flags, Main.valueFlags(), Main.switches());
        return start(Config.empty(), KmsSettings.from(Config.empty(), cli));
    }

    /**
     * Starts a KMS with {@code settings}; the listeners take their remaining options from the
     * {@code server} section of {@code config} ({@code application.yaml} for {@code ./qstcs kms}).
     *
     * @throws java.io.UncheckedIOException when the state directory cannot be opened
     */
    public static KmsServer start(Config config, KmsSettings settings) {
        Kms kms = Kms.open(settings, InstantSource.system());
        WebServer server;
        List<ConnectionGate> gates = List.of();
        try {
            WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
            gates = setup(b, kms, kms.identity().serverIdentity().tlsAskingClientCertificates());
            server = b.build().start();
        } catch (RuntimeException e) {
            gates.forEach(ConnectionGate::close);
            kms.close();
            throw e;
        }
        kms.start();
        return new KmsServer(kms, server, gates);
    }

    Kms kms() {
        return kms;
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

    /**
     * Both listeners on the settings' address and ports: plain {@code @default} and the named
     * TLS socket. Routes are the same on both; {@link AccessPolicy} decides what the plain
     * listener may serve. Observability ({@code /observe/health}, {@code /observe/metrics}) is on both.
     *
     * @return the connection gate of each listener (the caller closes them after the server stops)
     */
    static List<ConnectionGate> setup(WebServerConfig.Builder server, Kms kms, Tls tls) {
        KmsSettings s = kms.settings();
        ListenerConfig.Builder tlsListener = ListenerConfig.builder();
        ListenerConfig configured = server.sockets().get(TLS_SOCKET);
        if (configured != null) {
            tlsListener.from(configured);
        }
        List<ConnectionGate> gates = List.of(bounded(server, s.silentDeadline()), bounded(tlsListener, s.silentDeadline()));
        // address() too: from(configured) copied the address resolved from application.yaml's host
        // (0.0.0.0), and Helidon prefers the address over host(), so --bind was ignored for TLS.
        tlsListener.name(TLS_SOCKET).host(s.bind()).address(bindAddress(s.bind())).port(s.tlsPort())
                .tls(gates.get(1).tls(tls))
                .directHandlers(JsonErrors.directHandlers());
        server.host(s.bind())
                .port(s.port())
                .directHandlers(JsonErrors.directHandlers())
                .putSocket(TLS_SOCKET, tlsListener.build())
                .routing(r -> routing(r.addFilter(gates.get(0).filter()), kms))
                .routing(TLS_SOCKET, r -> routing(r.addFilter(gates.get(1).filter()), kms))
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
        return gates;
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
                .register(new MonitoringService(kms.history(), kms.alarms(), kms.link(), guard, maxBody));
        kms.identityService().register(routing, guard.table());
        kms.saeCertificates().register(routing, guard.table());
        // ETSI 014: its own service, its own authentication (SAE certificates, never tokens) and
        // its own answers (only 200/400/401/503), so it sits outside the token route table.
        routing.register(new OpenApiService(guard))
                .register(kms.etsi014Service());
        routing.any((req, res) -> fallback(guard, req, res));
        JsonErrors.register(routing);
        routing.error(LinkStandbyException.class, (req, res, e) -> {
            // One second is about the take-over time: a client retrying then reaches the new leader.
            res.header(HeaderNames.RETRY_AFTER, "1");
            JsonErrors.send(res, ApiError.unavailable("standby", e.getMessage()));
        });
        routing.error(StorageUnavailableException.class, (req, res, e) -> {
            // The change was not made; the client may retry once the disk has room again.
            res.header(HeaderNames.RETRY_AFTER, "30");
            JsonErrors.send(res, ApiError.unavailable("storage_unavailable", e.getMessage()
                    + "; nothing was changed. Reads and the link status still work."));
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

    /** Observability passes through; a malformed key id gets its own 400; the rest comes from the route table. */
    private static void fallback(RouteGuard guard, ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.startsWith("/observe")) {
            res.next(); // served by the observe feature
            return;
        }
        if (req.prologue().method() == Method.GET && path.startsWith("/keys/")) {
            // A key id that spans segments once decoded (e.g. ..%2F..%2Fetc) is not a key id.
            throw ApiError.badRequest("invalid_key_id", "key_id must be a UUID such as " + EXAMPLE_KEY_ID);
        }
        throw guard.table().refuseUnmatched(req, res, "no such route; see docs/kms-api.md for the API");
    }
    /**
     * Heap a TLS connection may cost. Measured (live heap after a full collection, blocking
     * sockets, compact object headers): 32.6 KiB kept alive after a request — 8 KiB Helidon read
     * buffer, about 8 KiB of the JDK's {@code SSLSocket} buffers, a 10 KiB virtual-thread stack,
     * the session and ciphers — and 13.6 KiB before its handshake; the rest is margin for a
     * request in progress.
     */
    static final long TLS_CONNECTION_BYTES = 40 * 1024;
    /** Heap a plain connection may cost: measured 15.4 KiB kept alive (8 KiB read buffer, 4 KiB stack). */
    static final long PLAIN_CONNECTION_BYTES = 20 * 1024;
    /**
     * Both listeners by the servers' one rule: {@code cap × (40 KiB + 20 KiB) ≤ half the heap},
     * {@code 2 × cap ≤} descriptors − 512. With the launcher's 256 MiB heap that is 2,094 per
     * listener; {@code -Xmx2400m} gives 20,000. The other half of the heap is the KMS's own: key
     * pools, the link history, requests in progress and the collector's room.
     */
    static final ConnectionBudget BUDGET = ConnectionBudget.of(
            new ConnectionBudget.Listener("TLS", TLS_CONNECTION_BYTES),
            new ConnectionBudget.Listener("plain", PLAIN_CONNECTION_BYTES));
    /**
     * Most connections one listener holds at once, unless {@code max-tcp-connections} says
     * otherwise: what the heap bears ({@link #BUDGET}; 2,094 with the launcher's 256 MiB).
     * A crowd beyond it waits in the accept backlog instead of filling the heap.
     */
    static final int MAX_CONNECTIONS = BUDGET.capPerListener();
    /**
     * How long a connection may wait without a request in progress: a TLS handshake, request
     * headers, or the gap before the next request on a kept-alive connection. A connection that
     * sends nothing is closed after it and frees its slot; long-polls and the event stream are
     * requests in progress and are not affected.
     */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(2);

    private static ConnectionGate bounded(ListenerConfig.BuilderBase<?, ?> listener, Duration silentDeadline) {
        if (listener.maxTcpConnections() < 0) {
            listener.maxTcpConnections(MAX_CONNECTIONS);
        }
        // Blocking sockets: an idle TLS connection then holds 33 KiB of heap instead of 98 KiB (the
        // NIO socket keeps four SSLEngine buffers of 16 KiB and two of 8 KiB for its whole life),
        // a plain one 15 KiB instead of 22 KiB; TLS_CONNECTION_BYTES has the figures.
        listener.useNio(false);
        // Helidon's sweep closes connections that wait for a request longer than this (also
        // those that never finish a TLS handshake); its default is 5 minutes every 2 minutes.
        listener.idleConnectionTimeout(READ_TIMEOUT).idleConnectionPeriod(SWEEP_PERIOD);
        // A handshake the client never starts is not yet a connection the sweep sees: the socket's
        // own read timeout ends it.
        // The gate adds the deadline for the whole first request head (a client dribbling header
        // bytes never trips the read timeout), the per-address limits, and a bound on unfinished
        // connections at three quarters of the listener's cap: a flood from many addresses then
        // evicts its own oldest connections instead of filling the cap, and established clients
        // keep a quarter (and room for cut connections Helidon has not closed yet). A connection
        // that sends no byte at all within the silent deadline is cut sooner, and an eviction takes
        // silent connections before any that has spoken, so a TLS handshake under way is not cut
        // however fast a flood of bare connections cycles through the bound. (Before that rule, a
        // bound at half the cap cut more handshakes: 24 of 83 new connections failed against 6 of
        // 71; with it, half the cap measured no better than three quarters.)
        ConnectionGate gate = new ConnectionGate(new ConnectionGate.Limits(READ_TIMEOUT,
                ConnectionGate.Limits.DEFAULT.pendingPerAddress(), ConnectionGate.Limits.DEFAULT.openPerAddress(),
                pendingBound(listener.maxTcpConnections()), silentDeadline));
        listener.connectionOptions(gate.socketOptions(SocketOptions.builder().readTimeout(READ_TIMEOUT).build()))
                // Only this HTTP/1 configuration: with the discovered one beside it Helidon has two
                // candidates, asks each whether the first line is HTTP/1.1, and closes a connection
                // whose first line is garbage without an answer instead of the JSON 400.
                .protocolsDiscoverServices(false).addProtocol(gate.http1());
        return gate;
    }

    /** Unfinished connections a listener with {@code maxConnections} may hold (0 or less: no cap). */
    static int pendingBound(int maxConnections) {
        return maxConnections > 0 ? ConnectionGate.Limits.pendingBound(maxConnections) : ConnectionGate.Limits.PENDING_PER_LISTENER;
    }

    /** Most connections the plain and the TLS listener each hold ({@code max-tcp-connections}). */
    public int[] connectionCaps() {
        return new int[] {server.prototype().maxTcpConnections(),
            server.prototype().sockets().get(TLS_SOCKET).maxTcpConnections()};
    }

    /** The plain HTTP port (public routes, router heartbeats). */
    public int port() {
        return server.port();
    }

    public int tlsPort() {
        return server.port(TLS_SOCKET);
    }

    /** e.g. {@code http://127.0.0.1:41234} (the host is the loopback address whatever --bind says). */
    public String plainUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The TLS base URL: device and operator routes (docs/identity.md). */
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
        stop(server, gates, kms);
    }

    /**
     * Stops a KMS server in the order that makes it quick: first every parked long-poll is
     * answered and every event stream ended, because a listener waits out its grace period
     * (half a second each) for requests still running; then the listeners stop; then the link
     * loop, the database and the rest.
     */
    static void stop(WebServer server, List<ConnectionGate> gates, Kms kms) {
        kms.releaseClients();
        server.stop();
        gates.forEach(ConnectionGate::close);
        kms.close();
    }
}
