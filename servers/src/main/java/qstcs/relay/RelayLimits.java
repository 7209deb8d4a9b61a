package qstcs.relay;

import java.time.Duration;

import io.helidon.config.Config;

import qstcs.server.http.ConnectionGate;

/**
 * The relay's resource limits. A frame is counted in characters, which equals bytes for the ASCII
 * JSON the clients send (hex ciphertext, ids).
 *
 * @param maxFrameBytes   largest frame accepted (64 KiB by default)
 * @param ratePerSecond   sustained frames per second per connection
 * @param rateBurst       frames a connection may send at once before the rate applies
 * @param queueFrames     offline queue length per recipient
 * @param queueBytes      offline queue size per recipient
 * @param queueTtl        how long a queued frame waits for its recipient
 * @param totalQueueBytes offline storage of the whole relay
 * @param outboundBytes   bytes waiting to be written to one connection before the relay drops it as
 *                        a client that does not read (more than a full offline queue, so delivering
 *                        a queue on register never trips it)
 * @param openPerAddress  connections one address may hold past their upgrade request (a site
 *                        behind one NAT address shares this)
 * @param pendingPerAddress connections of one address still sending their upgrade request
 * @param pendingPerListener connections of all addresses together still sending their upgrade
 *                        request; a newer one evicts the oldest (a flood from many addresses, each
 *                        under its own limits, cannot hold the listener)
 * @param silentDeadline  how long a new connection may send no byte at all before it is closed
 *                        (no longer than the head deadline); the cheapest flood never sends one
 * @param maxConnections  connections the relay's listener holds at once, any kind; a newer one is
 *                        closed at once. 0 (the default): from the heap and the descriptor limit
 *                        ({@link RelayServer#connectionCap})
 * @param lentBytes       heap the event loop lends its connections at most at once for bytes in
 *                        flight; over it, the connection that has held a loan longest is cut.
 *                        0 (the default): a quarter of the heap ({@link RelayServer#lentBudget})
 */
public record RelayLimits(int maxFrameBytes, int ratePerSecond, int rateBurst, int queueFrames,
                          long queueBytes, Duration queueTtl, long totalQueueBytes, long outboundBytes,
                          int openPerAddress, int pendingPerAddress, int pendingPerListener,
                          Duration silentDeadline, int maxConnections, long lentBytes) {

    /** The defaults, also written in {@code relay/application.yaml}. */
    public static final RelayLimits DEFAULT = new RelayLimits(
            64 * 1024, 500, 1000, 256, 1024 * 1024, Duration.ofMinutes(10), 64L * 1024 * 1024, 4L * 1024 * 1024,
            ConnectionGate.Limits.DEFAULT.openPerAddress(), ConnectionGate.Limits.DEFAULT.pendingPerAddress(),
            ConnectionGate.Limits.DEFAULT.pendingPerListener(), ConnectionGate.Limits.DEFAULT.silentDeadline(), 0, 0);

    public RelayLimits {
        positive("max-frame-bytes", maxFrameBytes);
        positive("rate-per-second", ratePerSecond);
        positive("rate-burst", rateBurst);
        positive("queue-frames", queueFrames);
        positive("queue-bytes", queueBytes);
        positive("total-queue-bytes", totalQueueBytes);
        positive("outbound-bytes", outboundBytes);
        positive("open-per-address", openPerAddress);
        positive("pending-per-address", pendingPerAddress);
        positive("pending-per-listener", pendingPerListener);
        if (maxConnections < 0) {
            throw new IllegalArgumentException("max-connections must be positive (or 0: from the heap), was "
                    + maxConnections);
        }
        if (lentBytes < 0) {
            throw new IllegalArgumentException("lent-bytes must be positive (or 0: from the heap), was " + lentBytes);
        }
        if (queueTtl == null || queueTtl.isNegative() || queueTtl.isZero()) {
            throw new IllegalArgumentException("queue-ttl must be a positive duration, was " + queueTtl);
        }
        Duration head = ConnectionGate.Limits.DEFAULT.headerDeadline();
        if (silentDeadline == null || silentDeadline.isNegative() || silentDeadline.isZero()
                || silentDeadline.compareTo(head) > 0) {
            throw new IllegalArgumentException("silent-deadline must be positive and at most " + head + ", was "
                    + silentDeadline);
        }
    }

    /** Limits with the budget for lent buffers from the heap. */
    public RelayLimits(int maxFrameBytes, int ratePerSecond, int rateBurst, int queueFrames,
                       long queueBytes, Duration queueTtl, long totalQueueBytes, long outboundBytes,
                       int openPerAddress, int pendingPerAddress, int pendingPerListener, Duration silentDeadline,
                       int maxConnections) {
        this(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl, totalQueueBytes,
                outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline,
                maxConnections, 0);
    }

    /** Limits with the listener's cap from the heap. */
    public RelayLimits(int maxFrameBytes, int ratePerSecond, int rateBurst, int queueFrames,
                       long queueBytes, Duration queueTtl, long totalQueueBytes, long outboundBytes,
                       int openPerAddress, int pendingPerAddress, int pendingPerListener, Duration silentDeadline) {
        this(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl, totalQueueBytes,
                outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline, 0);
    }

    /** Limits with the default per-address connection limits. */
    public RelayLimits(int maxFrameBytes, int ratePerSecond, int rateBurst, int queueFrames,
                       long queueBytes, Duration queueTtl, long totalQueueBytes, long outboundBytes) {
        this(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl, totalQueueBytes,
                outboundBytes, DEFAULT.openPerAddress, DEFAULT.pendingPerAddress, DEFAULT.pendingPerListener,
                DEFAULT.silentDeadline);
    }

    /** Limits with the default outbound budget (the form before that limit existed). */
    public RelayLimits(int maxFrameBytes, int ratePerSecond, int rateBurst, int queueFrames,
                       long queueBytes, Duration queueTtl, long totalQueueBytes) {
        this(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl, totalQueueBytes,
                4L * 1024 * 1024);
    }

    /**
     * The connection gate's limits: its head deadline, with this relay's per-address counts, its
     * listener-wide bound of unfinished connections (at most three quarters of the cap, so a flood
     * of unfinished connections from many addresses cannot fill it) and the listener's connection
     * cap, which the gate enforces (neither the event loop nor Helidon's WebSocket listener caps
     * itself here).
     *
     * @param cap the listener's connection cap ({@link RelayServer#connectionCap})
     */
    ConnectionGate.Limits gate(int cap) {
        return new ConnectionGate.Limits(ConnectionGate.Limits.DEFAULT.headerDeadline(), pendingPerAddress,
                openPerAddress, pendingPerListener, silentDeadline).withMaxConnections(cap);
    }

    /** Reads {@code app.limits} (any key missing keeps its default). */
    static RelayLimits from(Config limits) {
        RelayLimits d = DEFAULT;
        return new RelayLimits(
                limits.get("max-frame-bytes").asInt().orElse(d.maxFrameBytes),
                limits.get("rate-per-second").asInt().orElse(d.ratePerSecond),
                limits.get("rate-burst").asInt().orElse(d.rateBurst),
                limits.get("queue-frames").asInt().orElse(d.queueFrames),
                limits.get("queue-bytes").asLong().orElse(d.queueBytes),
                limits.get("queue-ttl").as(Duration.class).orElse(d.queueTtl),
                limits.get("total-queue-bytes").asLong().orElse(d.totalQueueBytes),
                limits.get("outbound-bytes").asLong().orElse(d.outboundBytes),
                limits.get("open-per-address").asInt().orElse(d.openPerAddress),
                limits.get("pending-per-address").asInt().orElse(d.pendingPerAddress),
                limits.get("pending-per-listener").asInt().orElse(d.pendingPerListener),
                limits.get("silent-deadline").as(Duration.class).orElse(d.silentDeadline),
                limits.get("max-connections").asInt().orElse(d.maxConnections),
                limits.get("lent-bytes").asLong().orElse(d.lentBytes));
    }

    /** The same limits with another per-connection rate (benchmarks drive one connection hard). */
    public RelayLimits withRate(int perSecond, int burst) {
        return new RelayLimits(maxFrameBytes, perSecond, burst, queueFrames, queueBytes, queueTtl, totalQueueBytes,
                outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline, maxConnections,
                lentBytes);
    }

    /** The same limits with another offline queue bound. */
    public RelayLimits withQueue(int frames, long bytes, Duration ttl) {
        return new RelayLimits(maxFrameBytes, ratePerSecond, rateBurst, frames, bytes, ttl, totalQueueBytes,
                outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline, maxConnections,
                lentBytes);
    }

    /** The same limits with another per-connection outbound budget. */
    public RelayLimits withOutbound(long bytes) {
        return new RelayLimits(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl,
                totalQueueBytes, bytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline,
                maxConnections, lentBytes);
    }

    /** The same limits with another deadline for a new connection's first byte. */
    public RelayLimits withSilentDeadline(Duration deadline) {
        return new RelayLimits(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl,
                totalQueueBytes, outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, deadline,
                maxConnections, lentBytes);
    }

    /** The same limits with the listener's connection cap set ({@code 0}: from the heap). */
    public RelayLimits withMaxConnections(int cap) {
        return new RelayLimits(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl,
                totalQueueBytes, outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline,
                cap, lentBytes);
    }

    /** The same limits with the budget for lent buffers set ({@code 0}: from the heap). */
    public RelayLimits withLentBytes(long bytes) {
        return new RelayLimits(maxFrameBytes, ratePerSecond, rateBurst, queueFrames, queueBytes, queueTtl,
                totalQueueBytes, outboundBytes, openPerAddress, pendingPerAddress, pendingPerListener, silentDeadline,
                maxConnections, bytes);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
