package qstcs.relay;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.wire.CloseCode;
import qstcs.relay.OfflineQueue.Queued;
import qstcs.relay.auth.Admission;

/**
 * The relay's shared state: every open connection, one {@link Mailbox} per device id, the link
 * status from the KMS. Each connection's listener calls in from its own thread; no lock is held
 * across two mailboxes, and frame text is never logged or kept once delivered.
 */
final class Switchboard {

    private static final System.Logger LOG = System.getLogger(Switchboard.class.getName());

    /** What {@code /stats} says until the KMS has reported a colour (or when the relay follows no KMS). */
    static final String LINK_UNKNOWN = "UNKNOWN";

    private final RelayLimits limits;
    private final Admission admission;
    /** Monotonic time for queue TTLs: a wall-clock jump must not expire or keep frames. */
    private final java.util.function.LongSupplier nanoTime;
    private final RelayStats stats = new RelayStats();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    /** Connections the relay has closed whose socket may still be open (see {@link #sweep}). */
    private final Set<ClientConnection> closing = ConcurrentHashMap.newKeySet();
    /**
     * Registered device ids, kept sorted as devices come and go: the online list of every
     * {@code registered} frame is read from here instead of being collected and sorted each time.
     */
    private final ConcurrentSkipListSet<String> onlineIds = new ConcurrentSkipListSet<>();
    private final ConcurrentHashMap<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final java.util.Map<String, FrameRate> deviceRates = new ConcurrentHashMap<>();
    private final AtomicLong queuedFrames = new AtomicLong();
    /** The KMS's last reported colour; null until it reports one. */
    private volatile LinkColour linkColour;
    /** The other relays of a cluster, or null when this relay is alone. */
    private volatile RelayCluster cluster;

    Switchboard(RelayLimits limits, Admission admission, java.util.function.LongSupplier nanoTime) {
        this.limits = limits;
        this.admission = admission;
        this.nanoTime = nanoTime;
    }

    RelayLimits limits() {
        return limits;
    }

    /**
     * Makes this relay one of a cluster: unicast frames, presence and offline queues go through
     * {@code peers} from now on. Called once, before the relay accepts connections.
     */
    void join(RelayCluster peers) {
        this.cluster = peers;
    }

    RelayStats stats() {
        return stats;
    }

    // --- connections -------------------------------------------------------------------------

    /** New sessions are refused while the link is RED (until the KMS reports it reset). */
    /**
     * The frame rate of {@code deviceId}, shared by its connections one after the other, so a
     * device that reconnects keeps its spent tokens. Forgotten by the sweep once refilled.
     */
    FrameRate deviceRate(String deviceId) {
        return deviceRates.computeIfAbsent(deviceId,
                id -> new FrameRate(limits.ratePerSecond(), limits.rateBurst(), System::nanoTime));
    }

    /** Whether the bearer of {@code token} may see the online device ids ({@link Admission#showsDevicesTo}). */
    boolean showsDevicesTo(String token) {
        return admission.showsDevicesTo(token);
    }

    boolean acceptsNewSessions() {
        return linkColour != LinkColour.RED;
    }

    void opened(ClientConnection c) {
        connections.add(c);
        stats.connections.increment();
        if (!acceptsNewSessions()) {
            stats.refused.increment();
            cut(c);
        }
    }

    /** The connection ended (close frame, failed write, or its reader thread is gone). */
    void closed(ClientConnection c) {
        if (!connections.remove(c)) {
            return;
        }
        closing.add(c);
        String id = c.deviceId();
        if (id == null) {
            return;
        }
        Mailbox box = mailboxes.get(id);
        boolean wasCurrent = false;
        if (box != null) {
            box.lock.lock();
            try {
                if (box.connection == c) {
                    box.connection = null;
                    onlineIds.remove(id);
                    wasCurrent = true;
                }
            } finally {
                box.lock.unlock();
            }
        }
        if (wasCurrent) {
            LOG.log(Level.DEBUG, "device {0} went offline", id);
            RelayCluster peers = cluster;
            if (peers != null) {
                // The cluster's presence watch announces it, on every relay alike.
                peers.departed(id, c);
            } else if (acceptsNewSessions()) {
                announce(id, RelayFrames.presence(id, false));
            }
        }
    }

    /** Sends an error frame to {@code c}. */
    void reject(ClientConnection c, ErrorCode code, String message, String id) {
        stats.errors.increment();
        c.send(RelayFrames.error(code, message, id));
    }

    // --- register ------------------------------------------------------------------------------

    void register(ClientConnection c, RoutingHeader h) {
        String id = h.deviceId();
        if (c.deviceId() != null) {
            if (c.deviceId().equals(id)) {
                c.send(RelayFrames.registered(id, online()));
            } else {
                reject(c, ErrorCode.ALREADY_REGISTERED,
                        "this connection is registered as " + c.deviceId() + "; open a new one for " + id, null);
            }
            return;
        }
        if (!admission.admits(id, h.token())) {
            reject(c, ErrorCode.UNAUTHORIZED, "registration as " + id + " was refused", null);
            return;
        }
        ClientConnection old;
        List<Queued> expired;
        List<Queued> delivered = new ArrayList<>();
        while (true) {
            Mailbox box = mailboxes.computeIfAbsent(id, Mailbox::new);
            box.lock.lock();
            try {
                if (box.retired) {
                    continue;
                }
                old = box.connection;
                box.connection = c;
                onlineIds.add(id);
                c.bind(id);
                c.send(RelayFrames.registered(id, online()));
                // Queued frames go out before anything sent from now on: senders need this lock.
                expired = box.queue.expire(nanoTime.getAsLong(), limits.queueTtl());
                Queued q;
                while ((q = box.queue.peek()) != null && c.send(q.text())) {
                    box.queue.poll();
                    delivered.add(q);
                }
                break;
            } finally {
                box.lock.unlock();
            }
        }
        LOG.log(Level.DEBUG, "device {0} registered", id);
        RelayCluster peers = cluster;
        if (peers != null) {
            peers.registered(id, c);
        }
        release(expired);
        release(delivered);
        stats.framesRelayed.add(delivered.size());
        stats.framesDropped.add(expired.size());
        for (Queued q : expired) {
            notifySender(q.sender(), RelayFrames.error(ErrorCode.EXPIRED,
                    "frame waited longer than the queue TTL for " + id + " and was dropped", q.id()));
        }
        for (Queued q : delivered) {
            notifySender(q.sender(), RelayFrames.ack(q.id(), true));
        }
        if (old != null && old != c) {
            stats.replaced.increment();
            stats.errors.increment();
            old.closeWith(RelayFrames.error(ErrorCode.REPLACED,
                    "another connection registered as " + id, null), CloseCode.REPLACED, "replaced");
            if (connections.remove(old)) {
                closing.add(old);
            }
        } else if (peers == null) {
            announce(id, RelayFrames.presence(id, true));
        }
    }

    // --- routing -----------------------------------------------------------------------------

    /** Routes a validated routable frame from the registered connection {@code from}. */
    void route(ClientConnection from, RoutingHeader h, String text) {
        if (!h.sender().equals(from.deviceId())) {
            reject(from, ErrorCode.SENDER_MISMATCH,
                    "sender must be " + from.deviceId() + ", the id this connection registered", h.id());
            return;
        }
        if (RoutingHeader.EVERYONE.equals(h.recipient())) {
            int count = 0;
            byte[] frame = Outbox.encode(text);
            for (Mailbox box : mailboxes.values()) {
                if (!box.deviceId.equals(h.sender()) && sendLive(box, frame)) {
                    count++;
                }
            }
            stats.framesRelayed.add(count);
            RelayCluster peers = cluster;
            if (peers != null) {
                count += peers.publishToEveryone(h, text);
            }
            from.send(RelayFrames.broadcastAck(h.id(), count));
            return;
        }
        RelayCluster peers = cluster;
        if (peers != null) {
            peers.publish(from, h, text);
            return;
        }
        deliver(from, h, text);
    }

    private void deliver(ClientConnection from, RoutingHeader h, String text) {
        while (true) {
            Mailbox box = mailboxes.computeIfAbsent(h.recipient(), Mailbox::new);
            ClientConnection lost = null;
            boolean delivered = false;
            boolean full = false;
            List<Queued> dropped = List.of();
            box.lock.lock();
            try {
                if (box.retired) {
                    continue;
                }
                ClientConnection to = box.connection;
                if (to != null) {
                    delivered = to.send(text);
                    lost = delivered ? null : to;
                } else {
                    Queued q = new Queued(h.id(), h.sender(), text, nanoTime.getAsLong());
                    full = queuedBytes.addAndGet(q.size()) > limits.totalQueueBytes();
                    if (full) {
                        queuedBytes.addAndGet(-q.size());
                    } else {
                        queuedFrames.incrementAndGet();
                        dropped = box.queue.add(q, limits.queueFrames(), limits.queueBytes());
                    }
                }
            } finally {
                box.lock.unlock();
            }
            if (lost != null) {
                // The recipient vanished mid-write: forget it, then queue the frame on the next pass.
                closed(lost);
                continue;
            }
            if (delivered) {
                stats.framesRelayed.increment();
                from.send(RelayFrames.ack(h.id(), true));
            } else if (full) {
                stats.framesDropped.increment();
                reject(from, ErrorCode.QUEUE_FULL,
                        "the relay holds too much for offline devices; " + h.recipient() + " is offline", h.id());
            } else {
                stats.framesQueued.increment();
                from.send(RelayFrames.ack(h.id(), false));
                release(dropped);
                stats.framesDropped.add(dropped.size());
                for (Queued d : dropped) {
                    notifySender(d.sender(), RelayFrames.error(ErrorCode.QUEUE_OVERFLOW,
                            "offline queue for " + h.recipient() + " is full; this older frame was dropped", d.id()));
                }
            }
            return;
        }
    }

    /** Sends to the mailbox's live connection, if any, in order with queue draining. */
    private boolean sendLive(Mailbox box, byte[] frame) {
        ClientConnection to;
        boolean sent;
        box.lock.lock();
        try {
            to = box.connection;
            sent = to != null && to.send(frame);
        } finally {
            box.lock.unlock();
        }
        if (to != null && !sent) {
            closed(to);
        }
        return sent;
    }

    // --- the cluster's calls ------------------------------------------------------------------

    /**
     * Hands a frame from the cluster to {@code c}, in order with everything sent to it, if that
     * connection is still the device's; false when it is not (the frame then stays in the stream).
     * {@code written} runs once the frame is in the socket, never if it does not get there.
     */
    boolean deliverHere(String deviceId, ClientConnection c, String text, Runnable written) {
        Mailbox box = mailboxes.get(deviceId);
        if (box == null) {
            return false;
        }
        boolean sent;
        box.lock.lock();
        try {
            sent = box.connection == c && c.send(text, written);
        } finally {
            box.lock.unlock();
        }
        return sent;
    }

    /** The connection {@code deviceId} is registered with on this relay, or null. */
    ClientConnection connectionOf(String deviceId) {
        Mailbox box = mailboxes.get(deviceId);
        return box == null ? null : box.connection;
    }

    /** A frame to everyone from a device on another relay: delivered to every device here. */
    void deliverToEveryoneHere(String sender, String text) {
        byte[] frame = Outbox.encode(text);
        for (Mailbox box : mailboxes.values()) {
            if (!box.deviceId.equals(sender)) {
                sendLive(box, frame);
            }
        }
    }

    /** Sends a relay frame (an ack) to a device if it is registered here. */
    void sendToDevice(String deviceId, String frame) {
        notifySender(deviceId, frame);
    }

    /** Tells the devices here that {@code subject} came online or went offline somewhere in the cluster. */
    void announceHere(String subject, boolean online) {
        if (acceptsNewSessions()) {
            announce(subject, RelayFrames.presence(subject, online));
        }
    }

    /**
     * The device registered on another relay: its connection here (or only {@code which}, when
     * given) is closed with {@code replaced} (4409), without a presence change.
     */
    void replacedElsewhere(String deviceId, ClientConnection which) {
        Mailbox box = mailboxes.get(deviceId);
        if (box == null) {
            return;
        }
        ClientConnection old;
        box.lock.lock();
        try {
            old = box.connection;
            if (old == null || which != null && old != which) {
                return;
            }
            box.connection = null;
            onlineIds.remove(deviceId);
        } finally {
            box.lock.unlock();
        }
        stats.replaced.increment();
        stats.errors.increment();
        old.closeWith(RelayFrames.error(ErrorCode.REPLACED, "another connection registered as " + deviceId, null),
                CloseCode.REPLACED, "replaced");
        if (connections.remove(old)) {
            closing.add(old);
        }
    }

    private void notifySender(String sender, String frame) {
        Mailbox box = mailboxes.get(sender);
        ClientConnection c = box == null ? null : box.connection;
        if (c != null) {
            if (frame.startsWith("{\"type\":\"error\"")) {
                stats.errors.increment();
            }
            c.send(frame);
        }
    }

    /** Tells every registered device except {@code subject} about it. */
    private void announce(String subject, String text) {
        byte[] frame = Outbox.encode(text);
        for (ClientConnection c : connections) {
            String id = c.deviceId();
            if (id != null && !id.equals(subject)) {
                c.send(frame);
            }
        }
    }

    /** Accounts for frames that left the offline queues (delivered, dropped or flushed). */
    private void release(List<Queued> frames) {
        if (frames.isEmpty()) {
            return;
        }
        long size = 0;
        for (Queued q : frames) {
            size += q.size();
        }
        queuedBytes.addAndGet(-size);
        queuedFrames.addAndGet(-frames.size());
    }

    // --- link status -------------------------------------------------------------------------

    /** The colour's name, or {@value #LINK_UNKNOWN} before the KMS has reported one. */
    String linkStatus() {
        LinkColour colour = linkColour;
        return colour == null ? LINK_UNKNOWN : colour.name();
    }

    boolean linkRed() {
        return linkColour == LinkColour.RED;
    }

    /**
     * Follows the KMS link status. On the change to RED every session gets a {@code link} frame
     * and is closed with 4403, and queued frames are flushed: they are sealed under keys the KMS
     * has just revoked.
     */
    void linkStatus(LinkColour status) {
        LinkColour previous = linkColour;
        linkColour = status;
        if (status == previous) {
            return;
        }
        LOG.log(Level.INFO, "quantum link status {0} (was {1})", status, previous == null ? LINK_UNKNOWN : previous);
        if (status == LinkColour.RED) {
            stats.linkCuts.increment();
            int sessions = 0;
            for (ClientConnection c : connections) {
                cut(c);
                sessions++;
            }
            int flushed = 0;
            for (Mailbox box : mailboxes.values()) {
                box.lock.lock();
                try {
                    List<Queued> gone = box.queue.clear();
                    release(gone);
                    flushed += gone.size();
                } finally {
                    box.lock.unlock();
                }
            }
            stats.framesDropped.add(flushed);
            RelayCluster peers = cluster;
            if (peers != null) {
                peers.flushAll();
            }
            LOG.log(Level.WARNING, "link RED: closed {0} sessions with 4403, flushed {1} queued frames;"
                    + " refusing new sessions until the link is reset", sessions, flushed);
        }
    }

    /**
     * Ends a revoked device's sessions (error frame {@code revoked}, close 4401) and drops the
     * frames queued for it: it will never register again with its old token.
     */
    void revoke(String deviceId) {
        int sessions = 0;
        for (ClientConnection c : connections) {
            if (deviceId.equals(c.deviceId())) {
                c.closeWith(RelayFrames.error(ErrorCode.REVOKED, "device " + deviceId + " was revoked by the operator",
                        null), CloseCode.REVOKED, "device revoked");
                closed(c);
                sessions++;
            }
        }
        Mailbox box = mailboxes.get(deviceId);
        if (box != null) {
            box.lock.lock();
            try {
                List<Queued> gone = box.queue.clear();
                release(gone);
                stats.framesDropped.add(gone.size());
            } finally {
                box.lock.unlock();
            }
        }
        RelayCluster peers = cluster;
        if (peers != null) {
            peers.flush(deviceId);
        }
        LOG.log(Level.INFO, "device {0} revoked: closed {1} session(s)", deviceId, sessions);
    }

    private void cut(ClientConnection c) {
        c.closeWith(RelayFrames.link(LinkColour.RED.name()), CloseCode.LINK_RED, "quantum link compromised");
        closed(c);
    }

    // --- housekeeping ------------------------------------------------------------------------

    /**
     * Periodic work: forgets connections whose reader thread has ended (Helidon does not report a
     * socket that vanished without a close frame), expires queued frames past their TTL, and
     * removes empty mailboxes of offline devices.
     */
    void sweep() {
        RelayCluster peers = cluster;
        if (peers != null) {
            peers.sweep();
        }
        for (ClientConnection c : connections) {
            if (!c.isOpen()) {
                closed(c);
            }
        }
        long nanos = System.nanoTime();
        for (ClientConnection c : closing) {
            if (c.readerAlive()) {
                c.cutIfStuck(nanos);
            } else {
                closing.remove(c);
            }
        }
        deviceRates.values().removeIf(FrameRate::full);
        long now = nanoTime.getAsLong();
        for (Mailbox box : mailboxes.values()) {
            List<Queued> expired;
            box.lock.lock();
            try {
                expired = box.queue.expire(now, limits.queueTtl());
                if (box.connection == null && box.queue.isEmpty()) {
                    box.retired = true;
                    mailboxes.remove(box.deviceId, box);
                }
            } finally {
                box.lock.unlock();
            }
            release(expired);
            stats.framesDropped.add(expired.size());
            for (Queued q : expired) {
                notifySender(q.sender(), RelayFrames.error(ErrorCode.EXPIRED, "frame waited longer than the queue"
                        + " TTL for " + box.deviceId + " and was dropped", q.id()));
            }
        }
    }

    /** Closes every session (server shutdown). */
    void shutdown() {
        for (ClientConnection c : connections) {
            c.closeWith(null, CloseCode.GOING_AWAY, "relay shutting down");
        }
        connections.clear();
    }

    // --- snapshots ---------------------------------------------------------------------------

    /** Registered device ids, sorted (a live view: iterate it once). */
    Set<String> online() {
        RelayCluster peers = cluster;
        return peers != null ? peers.online() : java.util.Collections.unmodifiableSet(onlineIds);
    }

    int openConnections() {
        return connections.size();
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    long queuedFrames() {
        return queuedFrames.get();
    }
}
