package qstcs.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PurgeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;

/**
 * One relay's part in a cluster of relays joined by NATS JetStream. Every unicast frame goes
 * through one JetStream stream, one subject per recipient ({@value #SUBJECT_PREFIX}{@code ID}), as
 * a work queue: the relay where the recipient is registered consumes that subject and delivers in
 * stream order; a frame leaves the stream only once that relay has written it to the recipient's
 * socket (the kernel has its bytes), not when it is merely queued for the socket. So a frame
 * acknowledged {@code queued} survives the death of any relay, and a device moving to another
 * relay picks up everything not yet written to it. A key-value bucket says which relay each device
 * is registered on (presence, the replace rule, and where acks go).
 *
 * <p>The broker sees the sealed frame text and the four routing headers ({@code type},
 * {@code id}, {@code sender}, {@code recipient}). It does not drop a frame whose sender and id it
 * has seen: a client sends a frame again under the same id exactly when the first copy may not
 * have reached the device (it was written to a connection that died), and that copy must go
 * through; the recipient's client drops the copies it already has. The same rule covers the one
 * copy the cluster itself may repeat: a frame written by a relay that dies before its stream ack
 * reaches NATS is delivered again from the stream.
 */
final class RelayCluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RelayCluster.class.getName());

    static final String STREAM = "QSTCS_FRAMES";
    static final String SUBJECT_PREFIX = "qstcs.to.";
    static final String PRESENCE_BUCKET = "qstcs-presence";
    /** Core subject {@code qstcs.acks.NODE}: a recipient's relay tells the sender's relay "delivered". */
    private static final String ACKS = "qstcs.acks.";
    /** Core subject {@code qstcs.all.NODE}: a frame to everyone, from a device on NODE. */
    private static final String EVERYONE = "qstcs.all.";
    /** Core subject carrying each relay's name a few times a second. */
    private static final String ALIVE = "qstcs.alive";
    /** A relay not heard for this long is dead: its devices are offline. */
    static final Duration DEAD_AFTER = Duration.ofSeconds(3);
    /**
     * How long a sender's relay waits for the recipient's relay to report a frame written to the
     * recipient's socket before it acknowledges {@code queued} (the frame is safe in the stream
     * either way, and a recipient that reads slowly may hold it back for longer).
     */
    static final Duration DELIVERED_WAIT = Duration.ofSeconds(2);

    /** Most NATS calls waiting for the cluster's sender thread, and most frame bytes among them. */
    static final int SENDER_TASKS = 16_384;
    static final long SENDER_BYTES = 8L << 20;

    /** How long a relay stopping waits for NATS to take its devices out of the presence bucket. */
    static final Duration FORGET_WAIT = Duration.ofSeconds(2);

    /** How often an idle feed makes sure its consumer still exists. */
    private static final Duration CONSUMER_CHECK = Duration.ofSeconds(5);

    private final String node;
    private final Switchboard board;
    private final Connection nats;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final StreamContext stream;
    private final KeyValue presence;
    private final Dispatcher dispatcher;
    /** Where the event loop hands its NATS calls: the NATS client may make its caller wait. */
    private final ClusterSender sender;
    /** Device id → where it is registered (from the presence bucket's watch). */
    private final Map<String, Place> places = new ConcurrentHashMap<>();
    /** Registered device ids of the whole cluster, sorted (the online list of {@code registered}). */
    private final ConcurrentSkipListSet<String> online = new ConcurrentSkipListSet<>();
    /** Device id → revision of this relay's presence entry for it. */
    private final Map<String, Long> ownEntries = new ConcurrentHashMap<>();
    /** Device id → the feed delivering its frames here. */
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    /** "sender\nid" → System.nanoTime() deadline for the fallback {@code queued} ack. */
    private final Map<String, Long> awaitingDelivery = new ConcurrentHashMap<>();
    /** Other relays → System.nanoTime() when last heard. */
    private final Map<String, Long> relaysHeard = new ConcurrentHashMap<>();
    /** Presence revisions of silent relays' devices being cleared (each cleared once). */
    private final Set<Long> forgetting = ConcurrentHashMap.newKeySet();
    private final long startedNanos = System.nanoTime();
    private volatile boolean watchLoaded;
    private volatile boolean closed;

    /** Where a device is registered: the relay's name and the presence entry's revision. */
    record Place(String node, long revision) {
    }

    private RelayCluster(String node, Switchboard board, Connection nats) throws IOException, JetStreamApiException {
        this.node = node;
        this.board = board;
        this.nats = nats;
        this.js = nats.jetStream();
        this.jsm = nats.jetStreamManagement();
        RelayLimits limits = board.limits();
        StreamConfiguration config = StreamConfiguration.builder()
                .name(STREAM)
                .subjects(SUBJECT_PREFIX + ">")
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File)
                // The per-recipient limits of the single relay's offline queue. A full queue refuses
                // the newest frame (its sender hears queue_full) rather than dropping the oldest.
                .maxMessagesPerSubject(limits.queueFrames())
                .discardPolicy(DiscardPolicy.New)
                .discardNewPerSubject(true)
                .maxAge(limits.queueTtl())
                .maxBytes(limits.totalQueueBytes())
                .maxMsgSize(limits.maxFrameBytes() + 1024)
                .build();
        try {
            jsm.addStream(config);
        } catch (JetStreamApiException e) {
            // Another relay made it with other limits: this relay's configuration wins from now on.
            jsm.updateStream(config);
        }
        this.stream = nats.getStreamContext(STREAM);
        try {
            nats.keyValueManagement().create(KeyValueConfiguration.builder()
                    .name(PRESENCE_BUCKET).maxHistoryPerKey(1).storageType(StorageType.File).build());
        } catch (JetStreamApiException e) {
            LOG.log(Level.DEBUG, "presence bucket exists: {0}", e.getApiErrorCode());
        }
        this.presence = nats.keyValue(PRESENCE_BUCKET);
        this.dispatcher = nats.createDispatcher();
        this.sender = new ClusterSender("relay-cluster-out@" + node, SENDER_TASKS, SENDER_BYTES);
        dispatcher.subscribe(ACKS + node, this::onDelivered);
        dispatcher.subscribe(EVERYONE + "*", this::onEveryone);
        dispatcher.subscribe(ALIVE, m -> {
            String other = new String(m.getData(), StandardCharsets.UTF_8);
            if (!other.equals(node)) {
                relaysHeard.put(other, System.nanoTime());
            }
        });
    }

    /**
     * Joins the cluster at {@code url} as relay {@code node}, with the watch on presence running.
     *
     * @throws IOException when the NATS server cannot be reached or lacks JetStream
     */
    static RelayCluster join(URI url, String node, Switchboard board) throws IOException {
        Connection nats;
        try {
            nats = Nats.connect(Options.builder().server(url.toString()).connectionName("qstcs-relay-" + node)
                    .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + url);
        }
        try {
            RelayCluster cluster = new RelayCluster(node, board, nats);
            cluster.presence.watchAll(cluster.new PresenceWatch());
            return cluster;
        } catch (JetStreamApiException | InterruptedException | RuntimeException e) {
            try {
                nats.close();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the NATS server at " + url + " refused the cluster's stream or bucket"
                    + " (is JetStream on? start it with -js): " + e.getMessage(), e);
        }
    }

    String node() {
        return node;
    }

    /** Registered device ids in the whole cluster, sorted. */
    Set<String> online() {
        return java.util.Collections.unmodifiableSet(online);
    }

    // --- a device on this relay ----------------------------------------------------------------

    /**
     * {@code c} registered here as {@code id}: claims the device in the presence bucket (a relay
     * still holding an older connection of it closes that one with 4409) and starts delivering
     * the device's frames from the stream.
     */
    void registered(String id, ClientConnection c) {
        Feed feed = new Feed(id, c);
        Feed old = feeds.put(id, feed);
        if (old != null) {
            old.stop();
        }
        ownEntries.put(id, Long.MAX_VALUE);
        try {
            long revision = presence.put(id, node);
            ownEntries.put(id, revision);
            Place now = places.get(id);
            if (now != null && now.revision() > revision && !now.node().equals(node)) {
                // Another relay claimed the device after this one did.
                ownEntries.remove(id);
                feeds.remove(id, feed);
                board.replacedElsewhere(id, c);
                return;
            }
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            // NATS unreachable or this relay closing: the other relays do not see the device
            // online, but its frames still come from the stream while NATS answers.
            ownEntries.remove(id);
            LOG.log(Level.WARNING, "cannot record {0} in the cluster presence: {1}", id, e.getMessage());
        }
        Thread.ofVirtual().name("relay-feed-" + id).start(feed);
    }

    /** The device's current connection here ended: it is offline unless another relay claimed it since. */
    void departed(String id, ClientConnection c) {
        Feed feed = feeds.get(id);
        if (feed != null && feed.connection != c) {
            // A newer connection of the device registered here meanwhile: the entry is its own.
            return;
        }
        if (feed != null) {
            feeds.remove(id, feed);
            feed.stop();
        }
        Long revision = ownEntries.remove(id);
        if (revision != null && revision != Long.MAX_VALUE && !closed) {
            Thread.startVirtualThread(() -> forget(id, revision));
        }
    }

    private void forget(String id, long revision) {
        try {
            presence.delete(id, revision);
        } catch (JetStreamApiException e) {
            // The device registered again (here or elsewhere) meanwhile: its newer entry stays.
            LOG.log(Level.DEBUG, "presence of {0} changed meanwhile", id);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot clear the cluster presence of {0}: {1}", id, e.getMessage());
        }
    }

    // --- frames --------------------------------------------------------------------------------

    /**
     * Stores a unicast frame in the recipient's subject. The sender hears {@code delivered} when
     * the recipient's relay has written it to the recipient's socket, or {@code queued} once it is
     * stored and the recipient is offline (or not written within {@link #DELIVERED_WAIT}).
     */
    void publish(ClientConnection from, RoutingHeader h, String text) {
        if (closed) {
            board.reject(from, ErrorCode.INTERNAL, "the relay is shutting down; send it again", h.id());
            return;
        }
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        if (!sender.offer(() -> store(from, h, data), data.length)) {
            // NATS has not taken the frames before this one yet (slow, or stopped while connected).
            board.stats().framesDropped.increment();
            board.reject(from, ErrorCode.INTERNAL, "the relay cluster is behind (NATS is slow or away);"
                    + " this frame was not relayed, send it again", h.id());
        }
    }

    /** The sender thread's half of {@link #publish}: the NATS client may wait here. */
    private void store(ClientConnection from, RoutingHeader h, byte[] data) {
        if (closed) {
            board.reject(from, ErrorCode.INTERNAL, "the relay is shutting down; send it again", h.id());
            return;
        }
        CompletableFuture<PublishAck> pending;
        try {
            pending = js.publishAsync(SUBJECT_PREFIX + h.recipient(), routingHeaders(h), data);
        } catch (RuntimeException e) {
            // Refused before it left: NATS has been away for longer than the client's reconnect
            // buffer lasts, its output queue stayed full, or the connection closed. The sender
            // hears it under the frame's id.
            stored(from, h, e);
            return;
        }
        pending.whenComplete((ack, failure) -> {
            if (failure != null) {
                stored(from, h, failure);
            } else if (places.containsKey(h.recipient())) {
                awaitingDelivery.putIfAbsent(h.sender() + "\n" + h.id(), System.nanoTime() + DELIVERED_WAIT.toNanos());
            } else {
                board.stats().framesQueued.increment();
                from.send(RelayFrames.ack(h.id(), false));
            }
        });
    }

    private void stored(ClientConnection from, RoutingHeader h, Throwable failure) {
        board.stats().framesDropped.increment();
        JetStreamApiException api = refusal(failure);
        if (api != null) {
            LOG.log(Level.DEBUG, "frame for {0} not stored: {1} ({2})", h.recipient(), api.getApiErrorCode(),
                    api.getErrorDescription());
            board.reject(from, ErrorCode.QUEUE_FULL, "the offline queue for " + h.recipient()
                    + " is full; this frame was not queued", h.id());
        } else {
            Throwable cause = failure;
            while (cause.getCause() != null && (cause instanceof java.util.concurrent.CompletionException
                    || cause.getClass() == RuntimeException.class)) {
                cause = cause.getCause();
            }
            LOG.log(Level.WARNING, "frame for {0} not stored: {1}", h.recipient(), cause.getClass().getSimpleName());
            board.reject(from, ErrorCode.INTERNAL, "the relay cluster could not store this frame; send it again",
                    h.id());
        }
    }

    /**
     * The stream's refusal in a failed publish, or null when the publish failed otherwise. The NATS
     * client completes the publish exceptionally with a {@code RuntimeException} wrapping the
     * {@link JetStreamApiException} (a full recipient subject: 10077), itself inside a
     * {@code CompletionException} when it reaches a dependent stage.
     */
    static JetStreamApiException refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException api) {
                return api;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Sends a frame to every device on the other relays (this relay delivers to its own). */
    int publishToEveryone(RoutingHeader h, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        if (!sender.offer(() -> nats.publish(EVERYONE + node, routingHeaders(h), data), data.length)) {
            // The cluster is behind: only this relay's devices get it, and the ack counts only them.
            LOG.log(Level.DEBUG, "a frame to everyone from {0} stays on this relay: the cluster is behind", h.sender());
            return 0;
        }
        int remote = 0;
        for (Map.Entry<String, Place> e : places.entrySet()) {
            if (!e.getValue().node().equals(node) && !e.getKey().equals(h.sender())) {
                remote++;
            }
        }
        return remote;
    }

    private void onEveryone(Message m) {
        if (m.getSubject().equals(EVERYONE + node)) {
            return;
        }
        board.deliverToEveryoneHere(m.getHeaders().getFirst("sender"), new String(m.getData(), StandardCharsets.UTF_8));
    }

    private void onDelivered(Message m) {
        String sender = m.getHeaders().getFirst("sender");
        String id = m.getHeaders().getFirst("id");
        awaitingDelivery.remove(sender + "\n" + id);
        // A marker so a late publish acknowledgement does not add a fallback "queued".
        awaitingDelivery.put(sender + "\n" + id, -(System.nanoTime() + DELIVERED_WAIT.toNanos()));
        board.stats().framesRelayed.increment();
        board.sendToDevice(sender, RelayFrames.ack(id, true));
    }

    /**
     * The frame {@code m} is in its recipient's socket (called by the connection's writer): it
     * leaves the stream, and its sender hears {@code delivered}. Both are NATS publishes, made on
     * the cluster's sender thread like the publish of every frame routed here, so the writer never
     * waits for NATS.
     */
    private void written(Message m) {
        if (!sender.offer(() -> {
            m.ack();
            reportDelivered(m);
        }, 0)) {
            // The cluster is behind or this relay stops: the frame stays in the stream and comes
            // again with the device's next feed; its client drops the copy.
            LOG.log(Level.DEBUG, "cannot acknowledge a written frame: the cluster is behind");
        }
    }

    private void reportDelivered(Message m) {
        Headers h = m.getHeaders();
        String sender = h.getFirst("sender");
        Place at = places.get(sender);
        if (at == null) {
            return;
        }
        Headers ack = new Headers().put("sender", sender).put("id", h.getFirst("id"));
        nats.publish(ACKS + at.node(), ack, null);
    }

    private static Headers routingHeaders(RoutingHeader h) {
        return new Headers().put("type", h.type()).put("id", h.id()).put("sender", h.sender())
                .put("recipient", h.recipient());
    }

    // --- link, revocation, housekeeping ------------------------------------------------------------

    /** The link turned RED: frames sealed under the revoked keys are removed from every queue. */
    void flushAll() {
        try {
            jsm.purgeStream(STREAM);
        } catch (IOException | JetStreamApiException e) {
            LOG.log(Level.WARNING, "cannot flush the cluster's queued frames: {0}", e.getMessage());
        }
    }

    /** Drops the frames queued for a revoked device. */
    void flush(String deviceId) {
        try {
            jsm.purgeStream(STREAM, PurgeOptions.subject(SUBJECT_PREFIX + deviceId));
        } catch (IOException | JetStreamApiException e) {
            LOG.log(Level.WARNING, "cannot flush the frames queued for {0}: {1}", deviceId, e.getMessage());
        }
    }

    /**
     * Periodic work: says this relay is alive, acknowledges {@code queued} where the recipient's
     * relay did not report delivery in time, and declares the devices of silent relays offline.
     */
    void sweep() {
        if (closed) {
            return;
        }
        nats.publish(ALIVE, node.getBytes(StandardCharsets.UTF_8));
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : awaitingDelivery.entrySet()) {
            long deadline = Math.abs(e.getValue());
            if (now - deadline > 0 && awaitingDelivery.remove(e.getKey(), e.getValue()) && e.getValue() > 0) {
                int cut = e.getKey().indexOf('\n');
                board.stats().framesQueued.increment();
                board.sendToDevice(e.getKey().substring(0, cut), RelayFrames.ack(e.getKey().substring(cut + 1), false));
            }
        }
        if (now - startedNanos < DEAD_AFTER.toNanos()) {
            return;
        }
        for (Map.Entry<String, Place> e : places.entrySet()) {
            String other = e.getValue().node();
            boolean stale;
            if (other.equals(node)) {
                // An entry naming this relay that it did not make: left by this relay's previous run.
                stale = !ownEntries.containsKey(e.getKey());
            } else {
                Long heard = relaysHeard.get(other);
                stale = heard == null || now - heard > DEAD_AFTER.toNanos();
            }
            if (stale) {
                String id = e.getKey();
                long revision = e.getValue().revision();
                LOG.log(Level.DEBUG, "relay {0} is gone: {1} is offline", other, id);
                if (forgetting.add(revision)) {
                    Thread.startVirtualThread(() -> forget(id, revision));
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Acknowledgements of written frames still waiting go out; frames still waiting are refused.
        sender.close(Duration.ofSeconds(1));
        for (Feed f : feeds.values()) {
            f.stop();
        }
        // All at once, and only for so long: one request after another, a relay with many devices
        // and NATS not answering would take minutes to stop. What is not cleared in time, the
        // other relays clear once this one is silent for DEAD_AFTER.
        java.util.List<Thread> forgets = new java.util.ArrayList<>();
        for (Map.Entry<String, Long> e : ownEntries.entrySet()) {
            if (e.getValue() != Long.MAX_VALUE) {
                forgets.add(Thread.ofVirtual().name("relay-forget-" + e.getKey())
                        .start(() -> forget(e.getKey(), e.getValue())));
            }
        }
        long deadline = System.nanoTime() + FORGET_WAIT.toNanos();
        try {
            for (Thread t : forgets) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    LOG.log(Level.WARNING, "NATS did not answer in time; the other relays will mark this relay's"
                            + " devices offline once it is silent");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            nats.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- presence ----------------------------------------------------------------------------

    private final class PresenceWatch implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry e) {
            String id = e.getKey();
            if (e.getOperation() == KeyValueOperation.PUT) {
                String at = e.getValueAsString();
                Place before = places.put(id, new Place(at, e.getRevision()));
                online.add(id);
                Long own = ownEntries.get(id);
                if (!at.equals(node) && own != null && own != Long.MAX_VALUE && e.getRevision() > own
                        && ownEntries.remove(id, own)) {
                    Feed feed = feeds.remove(id);
                    if (feed != null) {
                        feed.stop();
                    }
                    board.replacedElsewhere(id, null);
                }
                if (before == null && watchLoaded) {
                    board.announceHere(id, true);
                }
            } else {
                Place before = places.remove(id);
                online.remove(id);
                if (before != null && watchLoaded) {
                    board.announceHere(id, false);
                }
            }
        }

        @Override
        public void endOfData() {
            watchLoaded = true;
        }
    }

    // --- delivery of one device's frames -----------------------------------------------------------

    /**
     * Delivers the frames of one device registered here, in stream order, for as long as that
     * connection is the device's. Each frame is acknowledged to the stream (and so removed), and
     * reported {@code delivered} to its sender's relay, once the connection has written it to the
     * socket; a frame the connection drops (it closed, or was cut as too slow) is never
     * acknowledged. Such frames stay in the stream and are delivered first by the device's next
     * feed, here or on another relay: that feed deletes and recreates the device's consumer, which
     * makes every unacknowledged frame deliverable again at once, in stream order. (A {@code nak}
     * on a drop would add nothing to that, and would reorder the frame behind later ones if this
     * feed were still delivering.)
     */
    private final class Feed implements Runnable {
        private final String deviceId;
        private final ClientConnection connection;
        private final String consumerName;
        private volatile boolean stopped;
        private volatile IterableConsumer consumer;

        Feed(String deviceId, ClientConnection connection) {
            this.deviceId = deviceId;
            this.connection = connection;
            this.consumerName = "to-" + HexFormat.of().formatHex(deviceId.getBytes(StandardCharsets.UTF_8));
        }

        void stop() {
            stopped = true;
            IterableConsumer c = consumer;
            if (c != null) {
                try {
                    c.stop();
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "stopping the feed of {0}", deviceId);
                }
            }
        }

        private boolean current() {
            return !stopped && !closed && connection.isOpen() && feeds.get(deviceId) == this;
        }

        @Override
        public void run() {
            long backoff = 50;
            while (current()) {
                try {
                    feed();
                    backoff = 50;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // The consumer was taken over (a newer registration elsewhere) or NATS is reconnecting.
                    LOG.log(Level.DEBUG, "feed of {0} restarts: {1}", deviceId, e.toString());
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = Math.min(1000, backoff * 2);
                }
            }
        }

        private void feed() throws Exception {
            try {
                stream.deleteConsumer(consumerName);
            } catch (JetStreamApiException e) {
                // None yet.
            }
            if (!current()) {
                return;
            }
            ConsumerContext context = stream.createOrUpdateConsumer(ConsumerConfiguration.builder()
                    .durable(consumerName)
                    .filterSubject(SUBJECT_PREFIX + deviceId)
                    .deliverPolicy(DeliverPolicy.All)
                    .ackPolicy(AckPolicy.Explicit)
                    // A frame is acknowledged when written, and a client that reads slowly can hold
                    // written frames back for a long while: redelivery on a timer would only send
                    // this live connection a second copy. Frames of a connection that is gone come
                    // back when the next feed recreates the consumer; the stream's maximum age
                    // removes a frame before this wait runs out.
                    .ackWait(board.limits().queueTtl())
                    .maxAckPending(1024)
                    .build());
            try (IterableConsumer it = context.iterate(ConsumeOptions.builder().batchSize(128).build())) {
                consumer = it;
                long checked = System.nanoTime();
                while (current()) {
                    Message m = it.nextMessage(Duration.ofMillis(500));
                    if (m == null) {
                        if (System.nanoTime() - checked > CONSUMER_CHECK.toNanos()) {
                            // A consumer deleted by a racing registration elsewhere may just fall
                            // silent: make sure it still exists, else start over.
                            stream.getConsumerInfo(consumerName);
                            checked = System.nanoTime();
                        }
                        continue;
                    }
                    if (!board.deliverHere(deviceId, connection, new String(m.getData(), StandardCharsets.UTF_8),
                            () -> written(m))) {
                        return;
                    }
                }
            }
        }
    }
}
