package qstcs.relay;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/**
 * A running relay: the Helidon server, its switchboard, the KMS link watch and the periodic
 * sweep. {@code ./qstcs relay}, the tests and the benchmark all start the relay through here.
 */
public final class RelayServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RelayServer.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofMillis(250);

    private final RelaySettings settings;
    private final Switchboard switchboard;
    private final WebServer server;
    private final RelayMetrics metrics;
    private final ScheduledExecutorService sweeper;
    private final LinkWatch linkWatch;

    private RelayServer(RelaySettings settings, Switchboard switchboard, WebServer server, LinkWatch linkWatch) {
        this.settings = settings;
        this.switchboard = switchboard;
        this.server = server;
        this.linkWatch = linkWatch;
        this.metrics = new RelayMetrics(switchboard, server.port());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("relay-sweep").daemon().factory());
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Starts a relay that admits every device id (no enrollment exists yet). */
    public static RelayServer start(RelaySettings settings) {
        return start(settings, Admission.OPEN);
    }

    /**
     * Starts a relay.
     *
     * @throws IllegalArgumentException when plain ws would listen beyond loopback without
     *                                  {@code insecure}
     */
    public static RelayServer start(RelaySettings settings, Admission admission) {
        String bind = settings.effectiveBind();
        if (!settings.insecure() && !isLoopback(bind)) {
            // TLS (wss) arrives with the identity issue; until then plain ws stays on this machine
            // unless the operator says otherwise.
            throw new IllegalArgumentException("refusing plain ws:// on " + bind + ": chat frames would cross the"
                    + " network without TLS. Bind to 127.0.0.1, or pass --insecure to accept other machines.");
        }
        Switchboard switchboard = new Switchboard(settings.limits(), admission, InstantSource.system());
        WebServerConfig.Builder builder = WebServer.builder()
                .host(bind)
                .port(settings.port())
                .shutdownHook(false);
        Main.setup(builder, switchboard, Instant.now());
        WebServer server = builder.build().start();
        LinkWatch watch = settings.kms()
                .map(uri -> new LinkWatch(uri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(),
                        switchboard, settings.linkWaitSeconds()).start())
                .orElse(null);
        return new RelayServer(settings, switchboard, server, watch);
    }

    /** The port the relay listens on (useful when started on port 0). */
    public int port() {
        return server.port();
    }

    public RelaySettings settings() {
        return settings;
    }

    /** The link status the relay currently acts on: GREEN, YELLOW, RED or UNKNOWN. */
    public String linkStatus() {
        return switchboard.linkStatus();
    }

    Switchboard switchboard() {
        return switchboard;
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
        if (linkWatch != null) {
            linkWatch.close();
        }
        sweeper.shutdownNow();
        switchboard.shutdown();
        server.stop();
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
