package qstcs.relay;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How to run a relay: where it listens, which KMS it follows and its limits. Built from
 * {@code relay/application.yaml} and the command line by {@link RelayOptions}; tests and
 * benchmarks build it directly.
 *
 * @param bind             address to bind (null: {@code 0.0.0.0} with {@code insecure}, else loopback)
 * @param port             WebSocket and HTTP port (0: any free port)
 * @param kms              KMS base URL whose link status the relay follows, if any
 * @param insecure         serve plain {@code ws://} without device tokens, on any address (no TLS)
 * @param limits           resource limits
 * @param linkWaitSeconds  long-poll duration asked of the KMS
 * @param cluster          the NATS JetStream server joining this relay to others, if any
 * @param io               how the relay serves its sockets
 * @param wakePause        the longest pause of the event loop gathering frames that arrive close
 *                         together, so that one wake-up serves several (0: none; see {@link WakeModeration})
 */
public record RelaySettings(String bind, int port, Optional<URI> kms, boolean insecure, RelayLimits limits,
                            int linkWaitSeconds, Optional<Cluster> cluster, Io io, Duration wakePause) {

    /**
     * The default {@link #wakePause}: none. Measured at a steady 10,000 frames per second, a
     * 300 µs pause halved the loop's sleeps but saved no CPU beyond the benchmark's noise, and it
     * adds its length to a frame's time through the relay, which has little room under 2 ms.
     */
    public static final Duration DEFAULT_WAKE_PAUSE = Duration.ZERO;
    /** The longest {@link #wakePause} accepted: beyond it the pause is felt as latency. */
    public static final Duration MAX_WAKE_PAUSE = Duration.ofMillis(2);

    /**
     * The relay's socket I/O. {@code LOOP}: its own event loop (non-blocking sockets, TLS through
     * {@code SSLEngine}, one thread reads, routes and writes). {@code HELIDON}: Helidon's
     * WebSocket server, a virtual thread reading each connection and a writer thread per burst.
     */
    public enum Io {
        LOOP, HELIDON;

        /** The default of {@code ./qstcs relay}, the tests and the benchmarks. */
        public static final Io DEFAULT = LOOP;

        /** {@code loop} or {@code helidon}. */
        public static Io parse(String s) {
            return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "loop" -> LOOP;
                case "helidon" -> HELIDON;
                default -> throw new IllegalArgumentException("io must be loop or helidon, was '" + s + "'");
            };
        }
    }

    /** A relay with the default pause of its event loop. */
    public RelaySettings(String bind, int port, Optional<URI> kms, boolean insecure, RelayLimits limits,
                         int linkWaitSeconds, Optional<Cluster> cluster, Io io) {
        this(bind, port, kms, insecure, limits, linkWaitSeconds, cluster, io, DEFAULT_WAKE_PAUSE);
    }

    /** A relay with the default I/O. */
    public RelaySettings(String bind, int port, Optional<URI> kms, boolean insecure, RelayLimits limits,
                         int linkWaitSeconds, Optional<Cluster> cluster) {
        this(bind, port, kms, insecure, limits, linkWaitSeconds, cluster, Io.DEFAULT);
    }

    /**
     * Membership of a relay cluster.
     *
     * @param nats the NATS server ({@code nats://HOST:PORT}) with JetStream enabled
     * @param node this relay's name in the cluster, unique among its relays
     */
    public record Cluster(URI nats, String node) {
        public Cluster {
            if (nats == null || !"nats".equals(nats.getScheme()) || nats.getHost() == null) {
                throw new IllegalArgumentException("the cluster must be a nats://HOST:PORT URL, was '" + nats + "'");
            }
            if (!qstcs.crypto.wire.DeviceId.isValid(node) || node.contains(".")) {
                throw new IllegalArgumentException("the node name must be letters, digits, _ or - (at most 64), was '"
                        + node + "'");
            }
        }
    }

    /** A relay on its own (no cluster). */
    public RelaySettings(String bind, int port, Optional<URI> kms, boolean insecure, RelayLimits limits,
                         int linkWaitSeconds) {
        this(bind, port, kms, insecure, limits, linkWaitSeconds, Optional.empty());
    }

    public static final int DEFAULT_PORT = 8765;

    public RelaySettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        if (linkWaitSeconds < 1 || linkWaitSeconds > 60) {
            throw new IllegalArgumentException("link wait must be 1-60 seconds, was " + linkWaitSeconds);
        }
        kms = kms == null ? Optional.empty() : kms;
        cluster = cluster == null ? Optional.empty() : cluster;
        io = io == null ? Io.DEFAULT : io;
        wakePause = wakePause == null ? DEFAULT_WAKE_PAUSE : wakePause;
        if (wakePause.isNegative() || wakePause.compareTo(MAX_WAKE_PAUSE) > 0) {
            throw new IllegalArgumentException("wake-pause-micros must be 0-" + MAX_WAKE_PAUSE.toNanos() / 1000
                    + ", was " + wakePause.toNanos() / 1000);
        }
    }

    /**
     * A relay on loopback, any free port, following no KMS, default limits: what tests start. The
     * system property {@code qstcs.relay.io} ({@code loop} or {@code helidon}) picks the I/O, so
     * the same tests run against either.
     */
    public static RelaySettings loopbackForTests() {
        String io = System.getProperty("qstcs.relay.io");
        return new RelaySettings("127.0.0.1", 0, Optional.empty(), false, RelayLimits.DEFAULT, 25, Optional.empty(),
                io == null || io.isBlank() ? Io.DEFAULT : Io.parse(io));
    }

    public RelaySettings withKms(URI kmsUrl) {
        return new RelaySettings(bind, port, Optional.of(kmsUrl), insecure, limits, linkWaitSeconds, cluster, io, wakePause);
    }

    public RelaySettings withLimits(RelayLimits newLimits) {
        return new RelaySettings(bind, port, kms, insecure, newLimits, linkWaitSeconds, cluster, io, wakePause);
    }

    /** The same relay with another socket I/O. */
    public RelaySettings withIo(Io newIo) {
        return new RelaySettings(bind, port, kms, insecure, limits, linkWaitSeconds, cluster, newIo, wakePause);
    }

    /** The same relay with another longest pause of its event loop. */
    public RelaySettings withWakePause(Duration pause) {
        return new RelaySettings(bind, port, kms, insecure, limits, linkWaitSeconds, cluster, io, pause);
    }

    /** The same relay as member {@code node} of the cluster at {@code nats}. */
    public RelaySettings inCluster(URI nats, String node) {
        return new RelaySettings(bind, port, kms, insecure, limits, linkWaitSeconds,
                Optional.of(new Cluster(nats, node)), io, wakePause);
    }

    /** The address actually bound: plain ws stays on loopback unless {@code --insecure}; wss listens everywhere. */
    String effectiveBind(boolean tls) {
        return bind != null ? bind : insecure || tls ? "0.0.0.0" : "127.0.0.1";
    }
}
