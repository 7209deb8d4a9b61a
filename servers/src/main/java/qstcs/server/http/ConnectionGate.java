package qstcs.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Bounds what a client may hold of a listener before it has sent a complete request head, and how
 * much one address may hold at all. Helidon reads request headers without a deadline and has no
 * per-address limit: one machine could open thousands of connections that never finish a TLS
 * handshake or their headers, or dribble a header byte every few seconds, and hold the listener.
 * <ul>
 *   <li>A connection must have finished its TLS handshake and its first request's headers (or
 *       its WebSocket upgrade) within {@link Limits#headerDeadline()} of being accepted, or it
 *       is cut. On a kept-alive connection the same deadline runs again from the end of each
 *       response to the end of the next request's headers (a socket read timeout would not
 *       stop a client that dribbles one header byte every few seconds).</li>
 *   <li>A connection that has sent no byte at all within {@link Limits#silentDeadline()} of being
 *       accepted is cut: a legitimate client sends its ClientHello or request line at once, a
 *       flood of bare connections never does. The gate hears of the first bytes through
 *       {@link #spoke} (Helidon's listener: {@link #tls} for TLS, {@link #http1} for request lines)
 *       and, before it cuts, asks the kernel whether bytes wait unread.</li>
 *   <li>One address may have at most {@link Limits#pendingPerAddress()} connections that have not
 *       finished their headers yet; a newer one evicts its oldest silent one, else its oldest (a flooding address keeps
 *       cutting its own connections, while a legitimate client's connection, which finishes its
 *       headers in milliseconds, is seldom the oldest).</li>
 *   <li>One address may hold at most {@link Limits#openPerAddress()} connections past their
 *       headers; a connection beyond that is cut as soon as it is accepted.</li>
 *   <li>The whole listener may hold at most {@link Limits#pendingPerListener()} connections that
 *       have not finished their headers; a newer one evicts one of the listener's oldest silent
 *       connections (any of its oldest if none is silent), the one whose address holds the most
 *       unfinished connections. A flood spread
 *       over many addresses, each under its own limits, would otherwise fill the listener's
 *       connection cap with connections that never speak, and a new legitimate connection would
 *       wait in the kernel's accept backlog; with this bound below the cap the listener keeps
 *       accepting, and the flood keeps cutting its own oldest connections.</li>
 *   <li>The whole listener may hold at most {@link Limits#maxConnections()} connections (for a
 *       transport whose listener has no cap of its own, such as the relay's): a newer one is cut
 *       as soon as it is accepted, before any TLS handshake, so the client sees its connection end
 *       at once instead of waiting in the kernel's backlog. Such refusals are counted
 *       ({@link #refusedOverCap}) and logged once per burst, not per connection.</li>
 * </ul>
 * Cutting shuts the socket down in both directions: a reader blocked on it sees the end of the
 * stream and Helidon ends the connection quietly. The gate sees connections through the listener's
 * {@link SocketOptions} (called on every accepted socket, or {@link #accepted} from another
 * transport) and learns that a head is complete from a routing {@link #filter} or, for a
 * WebSocket, from {@link #upgraded}.
 */
public final class ConnectionGate implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConnectionGate.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofMillis(200);
    /** Refusals over the cap this far apart belong to separate bursts (each logged once). */
    static final Duration BURST_QUIET = Duration.ofSeconds(10);
    /** The name Helidon gives the HTTP/1 settings it finds by itself (package-private there). */
    private static final String HTTP1_NAME = "http_1_1";
    /** How many of the listener's oldest unfinished connections an eviction compares. */
    private static final int EVICTION_CANDIDATES = 16;
    /**
     * How many of the oldest unfinished connections an eviction looks through for silent ones;
     * bounded, so that a flood whose connections each send a byte costs no more than a scan of
     * this many per accepted connection.
     */
    private static final int SILENT_SCAN = 64;
    /** One thread sweeps every gate of the process (a few per server). */
    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("connection-gate").daemon().factory());

    /**
     * @param headerDeadline     time from accept to the end of the first request's headers
     * @param pendingPerAddress  connections of one address still before the end of their headers
     * @param openPerAddress     connections of one address past their headers
     * @param pendingPerListener connections of the whole listener still before the end of their
     *                           headers; below the listener's connection cap (if it has one), so
     *                           that established connections always have room
     * @param silentDeadline     time from accept to the connection's first byte (no longer than
     *                           {@code headerDeadline})
     * @param maxConnections     connections of the whole listener, finished or not; {@link #NO_CAP}
     *                           where the listener caps itself (Helidon's {@code max-tcp-connections})
     */
    public record Limits(Duration headerDeadline, int pendingPerAddress, int openPerAddress, int pendingPerListener,
                         Duration silentDeadline, int maxConnections) {
        /**
         * Unfinished connections of a listener by default: a legitimate client finishes its head in
         * milliseconds, so even a reconnect wave of thousands of clients rarely has this many
         * unfinished at once, and a TLS connection before its handshake holds about 90 KiB of heap.
         */
        public static final int PENDING_PER_LISTENER = 1024;
        /**
         * Time a new connection may stay silent by default. A legitimate client sends its first
         * bytes (a TLS ClientHello, a request line) as soon as it is connected, and they are
         * usually waiting when the server accepts; three seconds still cover a first segment
         * lost on a slow link and sent again. A connection that never sends a byte is the
         * cheapest flood, so it gets far less of the listener than {@code headerDeadline}.
         */
        public static final Duration SILENT_DEADLINE = Duration.ofSeconds(3);
        /** {@link #maxConnections()} of a listener the gate does not cap. */
        public static final int NO_CAP = Integer.MAX_VALUE;
        /**
         * Ten seconds for a request head, three for a first byte; 32 unfinished and 256
         * established connections per address; {@value #PENDING_PER_LISTENER} unfinished
         * connections per listener.
         */
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 32, 256, PENDING_PER_LISTENER,
                SILENT_DEADLINE);

        public Limits {
            if (headerDeadline.isNegative() || headerDeadline.isZero()) {
                throw new IllegalArgumentException("header deadline must be positive, was " + headerDeadline);
            }
            if (pendingPerAddress < 1 || openPerAddress < 1) {
                throw new IllegalArgumentException("per-address limits must be positive, were "
                        + pendingPerAddress + " and " + openPerAddress);
            }
            if (pendingPerListener < 1) {
                throw new IllegalArgumentException("the listener's limit of unfinished connections must be positive, was "
                        + pendingPerListener);
            }
            if (silentDeadline.isNegative() || silentDeadline.isZero() || silentDeadline.compareTo(headerDeadline) > 0) {
                throw new IllegalArgumentException("the silent deadline must be positive and no longer than the header"
                        + " deadline (" + headerDeadline + "), was " + silentDeadline);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("the listener's connection cap must be positive, was " + maxConnections);
            }
        }

        /** Limits of a listener the gate does not cap ({@link #NO_CAP}). */
        public Limits(Duration headerDeadline, int pendingPerAddress, int openPerAddress, int pendingPerListener,
                      Duration silentDeadline) {
            this(headerDeadline, pendingPerAddress, openPerAddress, pendingPerListener, silentDeadline, NO_CAP);
        }

        /**
         * The bound on unfinished connections for a listener that holds at most {@code maxConnections}:
         * three quarters of it, so that a flood from many addresses evicts its own oldest
         * connections instead of filling the cap, and established clients keep a quarter (and
         * room for cut connections the server has not closed yet).
         */
        public static int pendingBound(int maxConnections) {
            return Math.max(1, maxConnections * 3 / 4);
        }

        /**
         * Limits with the default silent deadline ({@link #SILENT_DEADLINE}, or the header
         * deadline if that is shorter).
         */
        public Limits(Duration headerDeadline, int pendingPerAddress, int openPerAddress, int pendingPerListener) {
            this(headerDeadline, pendingPerAddress, openPerAddress, pendingPerListener,
                    headerDeadline.compareTo(SILENT_DEADLINE) < 0 ? headerDeadline : SILENT_DEADLINE);
        }

        /** Limits with the default listener-wide bound and silent deadline. */
        public Limits(Duration headerDeadline, int pendingPerAddress, int openPerAddress) {
            this(headerDeadline, pendingPerAddress, openPerAddress, PENDING_PER_LISTENER);
        }

        /** The same limits with another listener-wide bound of unfinished connections. */
        public Limits withPendingPerListener(int bound) {
            return new Limits(headerDeadline, pendingPerAddress, openPerAddress, bound, silentDeadline, maxConnections);
        }

        /** The same limits with another deadline for a new connection's first byte. */
        public Limits withSilentDeadline(Duration deadline) {
            return new Limits(headerDeadline, pendingPerAddress, openPerAddress, pendingPerListener, deadline,
                    maxConnections);
        }

        /**
         * The same limits for a listener the gate caps at {@code cap} connections, with its bound
         * on unfinished ones no higher than {@link #pendingBound} of the cap.
         */
        public Limits withMaxConnections(int cap) {
            return new Limits(headerDeadline, pendingPerAddress, openPerAddress,
                    Math.min(pendingPerListener, pendingBound(cap)), silentDeadline, cap);
        }
    }

    /** One accepted connection. {@code deadline} is 0 while it is past its headers. */
    private static final class Tracked {
        final SocketChannel channel;
        final SocketAddress remote;
        final AddressLoad load;
        /** When it must have sent its first byte (its head's deadline applies from then on). */
        final long silentDeadline;
        volatile long deadline;
        /** True once the server has read a byte from it (or found one waiting). */
        volatile boolean spoke;
        /** True once it counts as an established connection of its address. */
        boolean established;
        /** True once its address no longer counts it. */
        boolean released;

        Tracked(SocketChannel channel, SocketAddress remote, AddressLoad load, long now, Limits limits) {
            this.channel = channel;
            this.remote = remote;
            this.load = load;
            this.silentDeadline = now + limits.silentDeadline().toNanos();
            this.deadline = now + limits.headerDeadline().toNanos();
        }

        /**
         * Whether it has sent a byte: the server read one, or one is waiting to be read (the
         * server's reader may not have run yet on a busy machine).
         */
        boolean hasSpoken() {
            if (spoke) {
                return true;
            }
            try {
                if (channel.socket().getInputStream().available() > 0) {
                    spoke = true;
                }
            } catch (IOException e) {
                // shut down or closed: it is being cut or has ended
            }
            return spoke;
        }
    }

    /** What one address holds. */
    private static final class AddressLoad {
        final Deque<Tracked> pending = new ConcurrentLinkedDeque<>();
        final AtomicInteger established = new AtomicInteger();

        boolean idle() {
            return pending.isEmpty() && established.get() == 0;
        }
    }

    private final Limits limits;
    private final LongSupplier nanos;
    private final Map<SocketAddress, Tracked> connections = new ConcurrentHashMap<>();
    private final Map<InetAddress, AddressLoad> addresses = new ConcurrentHashMap<>();
    /** Every unfinished connection of the listener, oldest first; its size is {@link #pendingCount}. */
    private final Deque<Tracked> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final ScheduledFuture<?> sweeping;
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder crowdedOut = new LongAdder();
    private final LongAdder silentCut = new LongAdder();
    private final LongAdder refusedOverCap = new LongAdder();
    private final RefusalBurst overCapBurst = new RefusalBurst(BURST_QUIET.toNanos());

    /** A gate swept five times a second until {@link #close}. */
    public ConnectionGate(Limits limits) {
        this(limits, System::nanoTime);
    }

    ConnectionGate(Limits limits, LongSupplier nanos) {
        this.limits = limits;
        this.nanos = nanos;
        this.sweeping = SWEEPER.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(), SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Limits limits() {
        return limits;
    }

    /** {@code base} plus this gate's look at every accepted socket. */
    public SocketOptions socketOptions(SocketOptions base) {
        return new GatedSocketOptions(base, this);
    }

    /**
     * A routing filter that tells this gate a request's head is complete (routing starts only
     * then), and that the connection waits for its next head once the response is sent; the
     * server adds it first on the listener's routing.
     */
    public Filter filter() {
        return (chain, req, res) -> {
            SocketAddress remote = req.remotePeer().address();
            headersRead(remote);
            try {
                chain.proceed();
            } finally {
                awaitingNextHead(remote);
            }
        };
    }

    /** A protocol upgrade (WebSocket) completed on {@code remote}: its head is complete. */
    public void upgraded(SocketAddress remote) {
        headersRead(remote);
    }

    /**
     * The server has read the first bytes from {@code remote} (a transport calls this on its first
     * read that returns data, or on every one: after the first it costs a map look-up): the
     * connection is no longer held to the silent deadline, and it is evicted only after every
     * silent connection.
     */
    public void spoke(SocketAddress remote) {
        Tracked t = connections.get(remote);
        if (t != null && !t.spoke) {
            t.spoke = true;
        }
    }

    /**
     * {@code in}, the input of the accepted socket {@code socket}, telling this gate when its
     * first bytes arrive; for a transport that reads accepted sockets through streams.
     */
    public InputStream firstBytesWatched(Socket socket, InputStream in) {
        SocketAddress remote = socket.getRemoteSocketAddress();
        return new FilterInputStream(in) {
            private boolean heard;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    heard();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    heard();
                }
                return n;
            }

            private void heard() {
                if (!heard) {
                    heard = true;
                    spoke(remote);
                }
            }
        };
    }

    /**
     * {@code tls} for a Helidon listener: its accepted connections tell this gate when their
     * first bytes (the ClientHello) arrive, and on blocking sockets the TLS socket closes the TCP
     * socket beneath with it.
     */
    public Tls tls(Tls tls) {
        return AcceptedTls.of(tls, this::firstBytesWatched, this::spoke);
    }

    /**
     * An HTTP/1 listener's receive hook telling this gate of every request line: on a listener
     * without TLS it is the first thing the server reads, so a connection that has sent one is
     * not silent (the server adds it with {@link #http1()}).
     */
    private Http1ConnectionListener requestLines() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                spoke(ctx.remotePeer().address());
            }
        };
    }

    /**
     * HTTP/1 settings (Helidon's defaults) with this gate's request-line hook. Named as Helidon
     * names the HTTP/1 settings it finds by itself, so that they replace those instead of adding
     * a second HTTP/1 protocol to the listener (with two, Helidon reads each connection's first
     * bytes to choose, and closes one that neither accepts without an answer).
     */
    public Http1Config http1() {
        return Http1Config.builder().name(HTTP1_NAME).addReceiveListener(requestLines()).build();
    }

    /** Connections cut for sending no byte within the silent deadline. */
    public long silentCut() {
        return silentCut.sum();
    }

    /** Connections cut for not finishing their headers in time. */
    public long timedOut() {
        return timedOut.sum();
    }

    /** Unfinished connections cut because their address opened newer ones beyond its limit. */
    public long evicted() {
        return evicted.sum();
    }

    /** Connections cut at accept because their address already held its limit. */
    public long refused() {
        return refused.sum();
    }

    /** Connections cut at accept because the listener held {@link Limits#maxConnections()} connections. */
    public long refusedOverCap() {
        return refusedOverCap.sum();
    }

    /** Connections the gate counts on the whole listener now (those ended show up to a sweep later). */
    public int held() {
        return connections.size();
    }

    /** Unfinished connections cut because the listener held its limit of unfinished connections. */
    public long crowdedOut() {
        return crowdedOut.sum();
    }

    /** Connections of the whole listener that have not finished their head yet. */
    public int pending() {
        return pendingCount.get();
    }

    /** Unfinished connections of the whole listener that have sent something. */
    public int spokenPending() {
        int n = 0;
        for (Tracked t : pending) {
            if (t.spoke) {
                n++;
            }
        }
        return n;
    }

    /** Connections of {@code address} that have not finished their head yet (the deadline applies). */
    public int pending(InetAddress address) {
        AddressLoad load = addresses.get(address);
        return load == null ? 0 : load.pending.size();
    }

    /** Connections of {@code address} the gate counts now: unfinished plus established. */
    public int held(InetAddress address) {
        AddressLoad load = addresses.get(address);
        return load == null ? 0 : load.pending.size() + load.established.get();
    }

    /**
     * The listener accepted {@code channel}: the gate counts it, cuts it if its address already
     * holds its limit, and evicts older unfinished connections beyond the bounds. Helidon's
     * listener calls it through {@link #socketOptions}; a transport that accepts sockets itself
     * calls it for each, then {@link #spoke} on its first read of data and {@link #upgraded} (or
     * the {@link #filter}) once the head is complete. A cut connection is shut down in both
     * directions: the transport sees the end of the stream and closes it.
     *
     * @return false when {@code channel} was cut at once (its address or the listener already
     *         held its limit): a transport that has not started on it yet may just close it
     */
    public boolean accepted(SocketChannel channel) {
        SocketAddress remote;
        try {
            remote = channel.getRemoteAddress();
        } catch (IOException e) {
            return true; // already gone: the transport finds out on its first read
        }
        if (!(remote instanceof InetSocketAddress inet)) {
            return true; // a Unix-domain socket is local by definition
        }
        long now = nanos.getAsLong();
        if (connections.size() >= limits.maxConnections()) {
            refusedOverCap.increment();
            if (overCapBurst.refused(now)) {
                LOG.log(Level.WARNING, "connection cap reached: the listener holds {0} connections, its cap; new"
                        + " ones are closed at once until some end", limits.maxConnections());
            }
            cut(channel);
            return false;
        }
        Tracked[] counted = new Tracked[1];
        // Counted under the address's map lock: the sweep drops an address's record that holds
        // nothing under the same lock, so it cannot drop the one this connection is joining.
        addresses.compute(inet.getAddress(), (a, current) -> {
            AddressLoad load = current == null ? new AddressLoad() : current;
            if (load.established.get() >= limits.openPerAddress()) {
                return load.idle() ? null : load;
            }
            counted[0] = new Tracked(channel, remote, load, now, limits);
            load.pending.addLast(counted[0]);
            return load;
        });
        Tracked t = counted[0];
        if (t == null) {
            refused.increment();
            cut(channel);
            return false;
        }
        AddressLoad load = t.load;
        Tracked reused = connections.put(remote, t);
        if (reused != null) {
            release(reused); // the same address and port again: the earlier connection has ended
        }
        pending.addLast(t);
        pendingCount.incrementAndGet();
        while (load.pending.size() > limits.pendingPerAddress()) {
            Tracked oldest = oldestOf(load.pending);
            if (oldest == null) {
                break;
            }
            load.pending.remove(oldest);
            evicted.increment();
            forget(oldest);
            cut(oldest.channel);
        }
        while (pendingCount.get() > limits.pendingPerListener()) {
            Tracked victim = crowdedOldest();
            if (victim == null) {
                break;
            }
            // Only a connection still unfinished is cut: one that finished its head meanwhile
            // just leaves the queue.
            if (releaseIfPending(victim)) {
                crowdedOut.increment();
                connections.remove(victim.remote, victim);
                cut(victim.channel);
            } else {
                leaveListenerQueue(victim);
            }
        }
        return true;
    }

    /** The oldest silent connection of {@code queue} among its first few, else its oldest. */
    private static Tracked oldestOf(Deque<Tracked> queue) {
        int seen = 0;
        for (Iterator<Tracked> it = queue.iterator(); it.hasNext() && seen < SILENT_SCAN; seen++) {
            Tracked t = it.next();
            if (!t.spoke && !t.hasSpoken()) {
                return t;
            }
        }
        return queue.peekFirst();
    }

    /**
     * The unfinished connection to cut when the listener holds too many: of the listener's
     * {@value #EVICTION_CANDIDATES} oldest silent connections (among its {@value #SILENT_SCAN}
     * oldest), the one whose address holds the most unfinished connections (the oldest of those
     * on a tie); if none of them is silent, the same choice among the
     * {@value #EVICTION_CANDIDATES} oldest. A legitimate client sends its first bytes as soon as
     * it is connected, a flood of bare connections never does: under a flood fast enough that a
     * TLS handshake on a busy server outlasts the whole queue, the handshake is still passed
     * over. Preferring the most loaded address keeps the choice fair to a quiet address under a
     * flood whose connections do send something.
     */
    private Tracked crowdedOldest() {
        // The scan reads only what the server has seen; the one chosen is asked the kernel too
        // (a byte may be waiting unread), and then the choice is made again without it.
        for (int tries = 0; tries < EVICTION_CANDIDATES; tries++) {
            Tracked chosen = mostLoaded(true);
            if (chosen == null) {
                break;
            }
            if (!chosen.hasSpoken()) {
                return chosen;
            }
        }
        return mostLoaded(false);
    }

    private Tracked mostLoaded(boolean silentOnly) {
        Tracked chosen = null;
        int chosenLoad = -1;
        int candidates = 0;
        int seen = 0;
        for (Iterator<Tracked> it = pending.iterator();
             it.hasNext() && candidates < EVICTION_CANDIDATES && seen < SILENT_SCAN; seen++) {
            Tracked t = it.next();
            if (silentOnly && t.spoke) {
                continue;
            }
            candidates++;
            int load = t.load.pending.size();
            if (load > chosenLoad) {
                chosen = t;
                chosenLoad = load;
            }
        }
        return chosen;
    }

    /** The request's headers are complete: the connection is past its deadline check. */
    void headersRead(SocketAddress remote) {
        Tracked t = connections.get(remote);
        if (t == null) {
            return;
        }
        t.deadline = 0;
        t.spoke = true;
        synchronized (t) {
            if (t.established || t.released) {
                return;
            }
            // Counted as established before it leaves the unfinished ones, so that its address
            // never looks empty to the sweep meanwhile.
            t.load.established.incrementAndGet();
            if (t.load.pending.remove(t)) {
                t.established = true;
                leaveListenerQueue(t);
            } else {
                t.load.established.decrementAndGet(); // evicted meanwhile
            }
        }
    }

    /**
     * The response on {@code remote} is complete: a kept-alive connection's next head must arrive
     * within the deadline too. It stays counted as established (it has proved it speaks HTTP).
     */
    void awaitingNextHead(SocketAddress remote) {
        Tracked t = connections.get(remote);
        if (t != null) {
            t.deadline = nanos.getAsLong() + limits.headerDeadline().toNanos();
        }
    }

    /** Forgets closed connections and cuts those past their deadline. */
    void sweep() {
        try {
            long now = nanos.getAsLong();
            for (Tracked t : connections.values()) {
                if (!t.channel.isOpen()) {
                    forget(t);
                } else {
                    long deadline = t.deadline;
                    if (deadline != 0 && now - deadline > 0) {
                        timedOut.increment();
                        forget(t);
                        cut(t.channel);
                    } else if (deadline != 0 && !t.spoke && !t.established && now - t.silentDeadline > 0
                            && !t.hasSpoken()) {
                        silentCut.increment();
                        forget(t);
                        cut(t.channel);
                    }
                }
            }
            for (InetAddress address : addresses.keySet()) {
                addresses.computeIfPresent(address, (a, load) -> load.idle() ? null : load);
            }
            RefusalBurst.Ended burst = overCapBurst.endedBy(now);
            if (burst != null) {
                LOG.log(Level.WARNING, "connection cap: {0} connections refused over {1} s at the cap of {2};"
                        + " none for {3} s since", burst.refused(), burst.seconds(), limits.maxConnections(),
                        BURST_QUIET.toSeconds());
            }
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the schedule.
            LOG.log(Level.WARNING, "connection sweep failed: {0}", e.getClass().getName());
        }
    }

    private void forget(Tracked t) {
        connections.remove(t.remote, t);
        release(t);
    }

    /** Its address and the listener stop counting {@code t} (once). */
    private void release(Tracked t) {
        synchronized (t) {
            if (t.released) {
                return;
            }
            t.released = true;
            if (t.established) {
                t.load.established.decrementAndGet();
            } else {
                t.load.pending.remove(t);
                leaveListenerQueue(t);
            }
        }
    }

    /** Releases {@code t} if it has not finished its head and is still counted; true if it did. */
    private boolean releaseIfPending(Tracked t) {
        synchronized (t) {
            if (t.established || t.released) {
                return false;
            }
            release(t);
            return true;
        }
    }

    private void leaveListenerQueue(Tracked t) {
        if (pending.remove(t)) {
            pendingCount.decrementAndGet();
        }
    }

    /**
     * Ends a connection so that Helidon's reader sees the end of the stream (and ends the
     * connection quietly) instead of a closed-channel error; Helidon closes the channel itself.
     */
    private static void cut(SocketChannel channel) {
        try {
            channel.shutdownInput();
            channel.shutdownOutput();
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        sweeping.cancel(false);
    }

    /** Helidon's socket options, plus telling the gate about every accepted socket. */
    private record GatedSocketOptions(SocketOptions base, ConnectionGate gate) implements SocketOptions {
        @Override
        public void configureSocket(SocketChannel channel) {
            base.configureSocket(channel);
            gate.accepted(channel);
        }

        @Override
        public void configureSocket(java.net.Socket socket) {
            base.configureSocket(socket);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return base.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return base.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return base.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return base.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return base.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return base.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return base.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return base.tcpNoDelay();
        }
    }
}
