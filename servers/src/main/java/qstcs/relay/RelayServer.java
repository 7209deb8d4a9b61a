package qstcs.relay;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import qstcs.relay.auth.Admission;
import qstcs.relay.auth.KmsAdmission;
import qstcs.relay.auth.KmsIdentityClient;
import qstcs.relay.auth.RelayIdentity;
import qstcs.relay.auth.RevocationWatch;
import qstcs.server.common.JsonErrors;
import qstcs.server.http.ConnectionBudget;
import qstcs.server.http.ConnectionGate;
import qstcs.server.http.RouteTable;

/**
 * A running relay: the Helidon server, its switchboard, the KMS link watch and the periodic
 * sweep. The server is wired only here ({@link #setup}, {@link #routing}); {@code ./qstcs relay},
 * the tests and the benchmark all start the relay through here.
 */
public final class RelayServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RelayServer.class.getName());
    /** The relay's WebSocket endpoint path (original clients connect to ws://HOST:8765). */
    static final String ENDPOINT = "/";
    /**
     * Largest WebSocket frame Helidon reads. Frames between the relay's 64 KiB limit and this get
     * an error frame and the connection stays open; larger ones are closed by Helidon (1009).
     */
    static final int MAX_WIRE_FRAME = 1024 * 1024;

    private static final Duration SWEEP_EVERY = Duration.ofMillis(250);

    private final RelaySettings settings;
    private final Switchboard switchboard;
    /** The public listener with {@code --io helidon}; with the event loop, the HTTP routes on loopback. */
    private final WebServer server;
    /** The public listener with {@code --io loop}; null with Helidon. */
    private final LoopTransport loop;
    private final RelayMetrics metrics;
    private final ScheduledExecutorService sweeper;
    private final LinkWatch linkWatch;
    private final boolean secure;
    private RelayCluster cluster;
    private final ConnectionGate gate;

    private RelayServer(RelaySettings settings, Switchboard switchboard, WebServer server, LoopTransport loop,
                        LinkWatch linkWatch, boolean secure, ConnectionGate gate) {
        this.settings = settings;
        this.loop = loop;
        this.gate = gate;
        this.secure = secure;
        this.switchboard = switchboard;
        this.server = server;
        this.linkWatch = linkWatch;
        this.metrics = new RelayMetrics(switchboard, gate, port());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("relay-sweep").daemon().factory());
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private final List<AutoCloseable> identityParts = new ArrayList<>();

    /** Starts a plain-ws relay that admits every device id (tests, and {@code --insecure}). */
    public static RelayServer start(RelaySettings settings) {
        return start(settings, Admission.OPEN);
    }

    /**
     * Starts a {@code wss://} relay that admits a device only with its own device token (checked
     * with the KMS) and closes a device's sessions as soon as the KMS revokes it.
     */
    public static RelayServer start(RelaySettings settings, RelayIdentity identity) {
        KmsIdentityClient kms = new KmsIdentityClient(identity.kmsTls(), identity.kmsCa(), identity.relayToken());
        KmsAdmission admission = new KmsAdmission(kms, System::nanoTime);
        RelayServer relay;
        try {
            relay = start(settings, admission, identity.tls().tls());
        } catch (RuntimeException e) {
            kms.close();
            throw e;
        }
        relay.identityParts.add(new RevocationWatch(kms, admission, relay.switchboard::revoke).start());
        relay.identityParts.add(kms);
        return relay;
    }

    /**
     * Starts a relay.
     *
     * @throws IllegalArgumentException when plain ws would listen beyond loopback without
     *                                  {@code insecure}
     */
    public static RelayServer start(RelaySettings settings, Admission admission) {
        return start(settings, admission, null);
    }

    private static RelayServer start(RelaySettings settings, Admission admission, Tls tls) {
        String bind = settings.effectiveBind(tls != null);
        if (tls == null && !settings.insecure() && !isLoopback(bind)) {
            // Plain ws only on loopback, or when the operator explicitly says --insecure.
            throw new IllegalArgumentException("refusing plain ws:// on " + bind + ": chat frames would cross the"
                    + " network without TLS. Bind to 127.0.0.1, or pass --insecure to accept other machines.");
        }
        Switchboard switchboard = new Switchboard(settings.limits(), admission, System::nanoTime);
        boolean ownLoop = settings.io() == RelaySettings.Io.LOOP;
        WebServerConfig.Builder builder = WebServer.builder()
                .host(ownLoop ? "127.0.0.1" : bind)
                .port(ownLoop ? 0 : settings.port())
                .shutdownHook(false);
        ConnectionGate gate = new ConnectionGate(settings.limits().gate(connectionCap(settings)));
        if (tls != null && !ownLoop) {
            builder.tls(TlsReadAhead.of(tls, gate));
        }
        Instant started = Instant.now();
        if (ownLoop) {
            setupRoutes(builder, switchboard, started, gate);
        } else {
            setup(builder, switchboard, started, gate);
            UpgradeRaceGuard.prime();
        }
        RelayCluster cluster = null;
        if (settings.cluster().isPresent()) {
            RelaySettings.Cluster member = settings.cluster().get();
            try {
                cluster = RelayCluster.join(member.nats(), member.node(), switchboard);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot join the relay cluster at " + member.nats() + ": "
                        + e.getMessage(), e);
            }
            switchboard.join(cluster);
        }
        WebServer server;
        LoopTransport loop = null;
        try {
            server = builder.build().start();
            if (ownLoop) {
                try {
                    loop = LoopTransport.start(bind, settings.port(), LOOP_THREADS,
                            tls == null ? null : tls.sslContext(), tls == null ? null : tls.sslParameters(),
                            switchboard, gate, new java.net.InetSocketAddress("127.0.0.1", server.port()),
                            IDLE_TIMEOUT, IDLE_SWEEP, settings.wakePause(), lentBudget(settings.limits()));
                } catch (java.io.IOException e) {
                    server.stop();
                    throw new IllegalStateException("cannot listen on " + bind + ":" + settings.port() + ": "
                            + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            gate.close();
            throw e;
        }
        LinkWatch watch = settings.kms()
                .map(uri -> new LinkWatch(uri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                        switchboard, settings.linkWaitSeconds()).start())
                .orElse(null);
        RelayServer relay = new RelayServer(settings, switchboard, server, loop, watch, tls != null, gate);
        relay.cluster = cluster;
        return relay;
    }

    /**
     * Wires the relay into a server: WebSocket endpoint, plain HTTP routes, frame size, and the
     * connection gate (a deadline for the upgrade request's head, per-address limits).
     */
    /** How long a connection may send nothing at all before the relay closes it. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** How often connections are checked against {@link #IDLE_TIMEOUT}. */
    static final Duration IDLE_SWEEP = Duration.ofMinutes(1);

    /**
     * Threads of the relay's event loop. One: on the machines the relay targets, a second loop
     * thread mostly adds wake-ups between the two for frames crossing them.
     */
    static final int LOOP_THREADS = 1;

    /**
     * Heap one {@code wss} session on the event loop may hold: measured 5.9 KiB of live heap per
     * idle session (19,000 held with the launcher's JVM options, {@code ./qstcs bench hostile
     * --only idle}: its {@code SSLEngine} with the session keys, the socket channel and selection
     * key, the relay's connection state); the rest is margin. The read and write buffers (about 17 KiB each) are borrowed from the loop only while
     * bytes are in flight, and come out of the other half of the heap ({@link #lentBudget}).
     */
    static final long LOOP_CONNECTION_BYTES = 8 * 1024;
    /**
     * Heap one {@code wss} session on Helidon's listener may hold: measured 29.9–31.8 KiB with
     * 19,000 held and 35.7–37.6 KiB with a few hundred (Helidon's 8 KiB read buffer, the JDK's
     * {@code SSLSocket} buffers, the 1 KiB read-ahead, the parked reader's stack); the rest is
     * margin.
     */
    static final long HELIDON_CONNECTION_BYTES = 48 * 1024;

    /** What a connection of {@code io} may cost, under the servers' one rule. */
    static ConnectionBudget budget(RelaySettings.Io io) {
        return ConnectionBudget.of(new ConnectionBudget.Listener("wss",
                io == RelaySettings.Io.HELIDON ? HELIDON_CONNECTION_BYTES : LOOP_CONNECTION_BYTES));
    }

    /**
     * Bytes the event loop lends its connections at most at once for bytes in flight (read and
     * write buffers, a WebSocket message being assembled): {@code lent-bytes} when set, else
     * {@link ConnectionBudget#inFlightBytes} of this JVM's heap (a quarter: 96 MiB of the
     * launcher's 384 MiB, about 5,600 buffers of 17 KiB, where legitimate traffic holds a few for
     * a round each).
     */
    static long lentBudget(RelayLimits limits) {
        return limits.lentBytes() > 0 ? limits.lentBytes()
                : ConnectionBudget.inFlightBytes(Runtime.getRuntime().maxMemory());
    }

    /**
     * Most connections the relay's listener holds at once: {@code max-connections} when set, else
     * what this JVM's heap and descriptors bear for the relay's socket I/O ({@link #budget}:
     * {@code cap × 8 KiB ≤ half the heap} on the event loop, at most the descriptor limit − 512):
     * 19,488 with the launcher's 384 MiB heap and 20,000 descriptors.
     */
    static int connectionCap(RelaySettings settings) {
        int set = settings.limits().maxConnections();
        return set > 0 ? set : budget(settings.io()).capPerListener();
    }

    /**
     * The relay's HTTP routes alone, for the server behind the event loop: loopback, plain, no
     * WebSocket (the loop answers upgrades) and no connection gate (the loop's listener has it).
     */
    static void setupRoutes(WebServerConfig.Builder server, Switchboard switchboard, Instant started,
                            ConnectionGate gate) {
        server.directHandlers(JsonErrors.directHandlers())
                .routing(routing -> routing(routing, switchboard, started, gate));
    }

    static void setup(WebServerConfig.Builder server, Switchboard switchboard, Instant started, ConnectionGate gate) {
        // Without TCP_NODELAY a small frame written while an earlier one is unacknowledged waits
        // for the client's delayed ACK (up to 40 ms on Linux): chat frames are small, latency matters.
        // No socket read timeout: a registered device may stay silent for minutes.
        server.connectionOptions(gate.socketOptions(SocketOptions.builder().tcpNoDelay(true).build()))
                // A WebSocket (or kept-alive HTTP connection) that sends nothing, not even a ping,
                // for this long is closed: the SDK pings every 10 s, a vanished client frees its slot.
                .idleConnectionTimeout(IDLE_TIMEOUT)
                .idleConnectionPeriod(IDLE_SWEEP)
                // A blocking socket per connection holds one 8 KiB buffer; the NIO socket holds two.
                // Every idle device keeps a connection open, so that is 8 KiB times thousands.
                .useNio(false)
                .directHandlers(JsonErrors.directHandlers())
                .addProtocol(WsConfig.builder().name("websocket").maxFrameLength(MAX_WIRE_FRAME).build())
                // The gate hears of each request line (first bytes of a connection without TLS).
                .addProtocol(gate.http1())
                .routing(routing -> routing(routing.addFilter(gate.filter()), switchboard, started, gate))
                .addRouting(WsRouting.builder().endpoint(ENDPOINT, () -> new RelayEndpoint(switchboard, gate::upgraded)));
    }

    /**
     * The relay's route table: {@code GET /stats} and {@code GET /} (the WebSocket endpoint
     * answers upgrades on the same path); everything else is 405 or 404 from the table, and
     * {@code /observe} passes to the observe feature. The routes are public, read-only figures,
     * so there is no access check and no latency metric.
     */
    static void routing(HttpRouting.Builder routing, Switchboard switchboard, Instant started, ConnectionGate gate) {
        JsonErrors.register(routing);
        RouteTable<Access, Access> routes = new RouteTable<>((access, req) -> access, (metric, nanos) -> { });
        StatsService stats = new StatsService(switchboard, started, gate);
        routes.add(routing, Method.GET, "/stats", Access.PUBLIC, "stats", (grant, req, res) -> stats.stats(req, res))
                .add(routing, Method.GET, ENDPOINT, Access.PUBLIC, "root", (grant, req, res) -> stats.root(req, res));
        routing.any((req, res) -> {
            if (req.path().path().startsWith("/observe")) {
                res.next();
                return;
            }
            throw routes.refuseUnmatched(req, res, "no such route: the relay serves WebSocket on " + ENDPOINT
                    + " and GET /stats");
        });
    }

    /** Who may call a relay HTTP route: anyone (the figures are public). */
    enum Access { PUBLIC }

    /** The port the relay listens on (useful when started on port 0). */
    public int port() {
        return loop != null ? loop.port() : server.port();
    }

    public RelaySettings settings() {
        return settings;
    }

    /** True when the relay serves wss:// and checks device tokens. */
    public boolean secure() {
        return secure;
    }

    /** The link status the relay currently acts on: GREEN, YELLOW, RED or UNKNOWN. */
    public String linkStatus() {
        return switchboard.linkStatus();
    }

    Switchboard switchboard() {
        return switchboard;
    }

    /** Most connections the listener holds at once ({@link #connectionCap}). */
    public int maxConnections() {
        return gate.limits().maxConnections();
    }

    /** How the listener's cap came about, for the start-up banner. */
    public String maxConnectionsReason() {
        return settings.limits().maxConnections() > 0 ? "set by max-connections"
                : budget(settings.io()).describe();
    }

    ConnectionGate gate() {
        return gate;
    }

    private void sweep() {
        try {
            switchboard.sweep();
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the schedule.
            LOG.log(Level.WARNING, "relay sweep failed: {0}", e.getClass().getName());
        }
    }

    /** Closes every session (1001 going away) and stops the server. */
    @Override
    public void close() {
        for (AutoCloseable part : identityParts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing {0} failed", part);
            }
        }
        if (linkWatch != null) {
            linkWatch.close();
        }
        sweeper.shutdownNow();
        if (cluster != null) {
            // Before the sessions close, so their devices' frames stay in the stream for their next relay.
            cluster.close();
        }
        switchboard.shutdown();
        if (loop != null) {
            loop.close();
        }
        server.stop();
        gate.close();
        metrics.close();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
