package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import qstcs.crypto.keys.HandshakeFailedException;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.KeyRotationPolicy;
import qstcs.crypto.seal.SealedFrame;

/**
 * One device's end-to-end encrypted chat (DESIGN.md §6): fetches pair keys from the KMS, keeps a
 * registered relay connection, seals and opens frames, tracks receipts, retransmits what is
 * unconfirmed after a reconnect, and reacts to a breach by wiping its keys, holding what is typed,
 * and re-keying by itself once the operator resets the link.
 *
 * <p>Thread-safe: public methods may be called from any thread. All state lives on one session
 * thread (an actor), which is also the thread listeners are called on, one event at a time.
 */
public final class SecureChatSession implements AutoCloseable {
    /** Exactly what a soldier sees when the link is breached (the brief's wording). */
    public static final String COMPROMISED_MESSAGE = "Connection lost — quantum channel compromised. Awaiting re-key.";
    /** A chat frame must stay well under the relay's 64 KiB limit after hex encoding. */
    public static final int MAX_TEXT_CHARS = 8_000;
    private static final Duration LONG_POLL = Duration.ofSeconds(25);
    /**
     * Unconfirmed messages per peer on the wire at once. Below the relay's offline queue (256
     * frames) so that a retransmission burst to an offline peer never makes the relay drop the
     * oldest ones (which would reach the peer out of order).
     */
    static final int WINDOW = 128;
    /** An unconfirmed message this old on a live connection to an online peer is sent again. */
    private static final long RESEND_AFTER_NANOS = Duration.ofSeconds(8).toNanos();

    private final ClientConfig config;
    private final OkHttpClient http;
    private final KmsClient kms;
    private final RelayClient relay;
    private final ScheduledExecutorService actor;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, PeerChannel> channels = new LinkedHashMap<>();
    private final Map<String, PeerChannel> byOutgoingId = new ConcurrentHashMap<>();
    private final Set<String> online = ConcurrentHashMap.newKeySet();
    private final Backoff backoff;
    private final Thread linkWatcher;

    private volatile ConnectionState state = ConnectionState.IDLE;
    private volatile LinkStatus link = LinkStatus.UNKNOWN;
    private volatile boolean closed;
    private volatile Thread sessionThread;
    private RelayClient.Connection connection;
    private FramePacer pacer;
    private long generation;
    private ScheduledFuture<?> pendingRetry;
    private boolean everOnline;
    private KeyRotationPolicy rotation = KeyRotationPolicy.defaults();

    public SecureChatSession(ClientConfig config) {
        this.config = Objects.requireNonNull(config);
        this.http = HttpTransport.forConfig(config);
        this.kms = new KmsClient(config, http);
        this.relay = new RelayClient(config, http);
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            sessionThread = daemon(r, "qstcs-session-" + config.deviceId());
            return sessionThread;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.actor = ex;
        this.linkWatcher = daemon(this::watchLink, "qstcs-link-watch-" + config.deviceId());
        actor.scheduleWithFixedDelay(() -> post(this::resendOverdue), 2, 2, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- public API ----------------------------------------------------------------------------

    public String deviceId() {
        return config.deviceId();
    }

    public ClientConfig config() {
        return config;
    }

    public void addListener(SessionListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    public void removeListener(SessionListener l) {
        listeners.remove(l);
    }

    public ConnectionState state() {
        return state;
    }

    public LinkStatus link() {
        return link;
    }

    /** Devices the relay currently reports online (not including this one). */
    public Set<String> onlineDevices() {
        return Set.copyOf(online);
    }

    /** The KMS client of this session (for callers that also want the event stream). */
    public KmsClient kms() {
        return kms;
    }

    /** Starts connecting; progress and problems arrive through the listeners. */
    public void start(String... peers) {
        post(() -> {
            if (state != ConnectionState.IDLE) {
                return;
            }
            for (String p : peers) {
                channel(ClientConfig.checkDeviceId(p));
            }
            bootstrap();
        });
    }

    /** Makes sure a conversation with {@code peer} exists and has a key (e.g. when a contact is opened). */
    public void open(String peer) {
        String p = ClientConfig.checkDeviceId(peer);
        post(() -> {
            PeerChannel c = channel(p);
            if (state == ConnectionState.ONLINE) {
                ensureKey(c);
            }
        });
    }

    /**
     * Queues {@code text} for {@code peer} and returns the new message's id at once. It is sealed
     * and sent as soon as there is a key and a relay connection; until then it is held.
     */
    public String send(String peer, String text) {
        String p = ClientConfig.checkDeviceId(peer);
        if (p.equals(config.deviceId())) {
            throw new IllegalArgumentException("cannot send a message to yourself (" + p + ")");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("message is empty");
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("message is too long: " + text.length() + " characters (at most "
                    + MAX_TEXT_CHARS + ")");
        }
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        post(() -> {
            PeerChannel c = channel(p);
            PeerChannel.Outgoing o = c.enqueue(id, text, now);
            byOutgoingId.put(id, c);
            emit(l -> l.messageAdded(new ChatMessage(id, p, config.deviceId(), text, now, true,
                    c.currentKey().map(IssuedKey::keyId).orElse(null))));
            if (state == ConnectionState.COMPROMISED) {
                o.state = DeliveryState.HELD;
            } else if (state == ConnectionState.ONLINE) {
                flush(c);
            }
            if (o.state == DeliveryState.HELD || o.state == DeliveryState.PENDING) {
                emit(l -> l.deliveryChanged(id, o.state));
            }
        });
        return id;
    }

    /** The key id in use with {@code peer}, if a key is held right now. */
    public Optional<String> keyId(String peer) {
        return call(() -> Optional.ofNullable(channels.get(peer)).flatMap(PeerChannel::currentKey).map(IssuedKey::keyId));
    }

    /** Test hook: rotate keys after this many messages (the default is a production budget). */
    void setMessagesPerKey(long budget) {
        post(() -> rotation = new KeyRotationPolicy(budget, rotation.maxAge()));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        linkWatcher.interrupt();
        post(() -> {
            cancelRetry();
            dropConnection();
            channels.values().forEach(PeerChannel::wipeKeys);
            setState(ConnectionState.CLOSED, "Closed.");
        });
        actor.shutdown();
        try {
            actor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Cancels the blocked long-poll too: a KMS shutting down would otherwise wait for it.
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    // ---- the session thread ---------------------------------------------------------------------

    private void post(Runnable task) {
        if (actor.isShutdown()) {
            return;
        }
        actor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A bug must not kill the session thread; say so without internals.
                emit(l -> l.problem(new ClientException(ClientException.Problem.PROTOCOL,
                        "Internal error in the chat session: " + e.getClass().getSimpleName())));
            }
        });
    }

    private <T> T call(java.util.concurrent.Callable<T> query) {
        try {
            if (Thread.currentThread() == sessionThread) {
                return query.call(); // a listener asking from inside an event
            }
            return actor.submit(query).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("session is not responding", e);
        }
    }

    private void bootstrap() {
        setState(ConnectionState.CONNECTING, "Connecting to the key service at " + config.kmsUrl() + "…");
        LinkStatus first;
        try {
            first = kms.linkStatus();
        } catch (ClientException e) {
            fail(e);
            return;
        }
        updateLink(first);
        linkWatcher.start();
        if (first.compromised()) {
            compromise();
            return;
        }
        rekeyAndConnect();
    }

    /** Gets a key for every conversation, then (re)connects to the relay. */
    private void rekeyAndConnect() {
        setState(everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING,
                everOnline ? "Re-keying…" : "Fetching keys…");
        for (PeerChannel c : channels.values()) {
            try {
                ensureKey(c);
            } catch (RuntimeException e) {
                throw e;
            }
            if (state == ConnectionState.COMPROMISED || state == ConnectionState.FAILED) {
                return;
            }
        }
        connectRelay();
    }

    /** Fetches the pair key with {@code c}'s peer if none is held; false (and state changed) on failure. */
    private boolean ensureKey(PeerChannel c) {
        if (c.hasKey()) {
            return true;
        }
        try {
            IssuedKey key = kms.sessionKey(c.peer(), config.pqc(), false);
            c.useKey(key);
            announceKey(c);
            return true;
        } catch (ClientException e) {
            onKmsTrouble(e);
            return false;
        }
    }

    private void onKmsTrouble(ClientException e) {
        if (e.problem() == ClientException.Problem.LINK_COMPROMISED) {
            compromise();
        } else if (!everOnline) {
            fail(e);
        } else {
            emit(l -> l.problem(e));
            retryLater(this::rekeyAndConnect);
        }
    }

    private void connectRelay() {
        if (closed || state == ConnectionState.COMPROMISED || state == ConnectionState.FAILED) {
            return;
        }
        setState(everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING,
                "Connecting to the relay at " + config.relayUrl() + "…");
        dropConnection();
        generation++;
        connection = relay.connect(new RelayEvents());
        pacer = new FramePacer(connection, actor);
    }

    private void dropConnection() {
        // Without a connection nobody is known to be online (the next "registered" says who is).
        online.forEach(d -> emit(l -> l.presenceChanged(d, false)));
        online.clear();
        if (pacer != null) {
            pacer.stop();
            pacer = null;
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void onRegistered(List<String> devices) {
        everOnline = true;
        backoff.reset();
        online.clear();
        devices.stream().filter(d -> !d.equals(config.deviceId())).forEach(online::add);
        online.forEach(d -> emit(l -> l.presenceChanged(d, true)));
        setState(ConnectionState.ONLINE, "Online — end-to-end encrypted.");
        for (PeerChannel c : channels.values()) {
            // A new connection: whatever the old one carried may be lost, so everything unconfirmed goes again.
            c.resendAll();
            flush(c);
        }
    }

    /**
     * Sends the unconfirmed messages of {@code c} that this connection has not carried yet, oldest
     * first, keeping at most {@link #WINDOW} unconfirmed on the wire. The receiver drops the copies
     * it already has by id, so resending is always safe.
     */
    private void flush(PeerChannel c) {
        if (state != ConnectionState.ONLINE || !ensureKey(c)) {
            return;
        }
        if (!c.ready()) {
            offerHandshake(c); // hybrid: nothing is sealed before the ML-KEM exchange completes
            return;
        }
        int inFlight = c.inFlight(generation);
        for (PeerChannel.Outgoing o : c.unconfirmed()) {
            if (state != ConnectionState.ONLINE || pacer == null) {
                return;
            }
            if (o.sentOn == generation) {
                continue;
            }
            if (inFlight >= WINDOW) {
                if (o.state == DeliveryState.HELD) {
                    o.state = DeliveryState.PENDING;
                    emit(l -> l.deliveryChanged(o.id, DeliveryState.PENDING));
                }
                continue;
            }
            transmit(c, o);
            inFlight++;
        }
    }

    private void transmit(PeerChannel c, PeerChannel.Outgoing o) {
        if (c.mustRotate(rotation)) {
            rotate(c);
            if (!c.ready()) {
                offerHandshake(c);
                return;
            }
        }
        String frame = c.seal(o);
        if (pacer.send(frame)) {
            o.sentOn = generation;
            o.sentAtNanos = System.nanoTime();
            if (o.state == DeliveryState.HELD || o.state == DeliveryState.PENDING) {
                o.state = DeliveryState.SENT;
                emit(l -> l.deliveryChanged(o.id, DeliveryState.SENT));
            }
        }
    }

    /** Resends to online peers when the oldest unconfirmed message got no receipt in time (a frame went missing). */
    private void resendOverdue() {
        if (state != ConnectionState.ONLINE) {
            return;
        }
        long now = System.nanoTime();
        for (PeerChannel c : channels.values()) {
            if (!online.contains(c.peer())) {
                continue;
            }
            for (PeerChannel.Outgoing o : c.unconfirmed()) {
                if (o.sentOn == generation && now - o.sentAtNanos > RESEND_AFTER_NANOS) {
                    c.resendAll();
                    flush(c);
                }
                break;
            }
        }
    }

    private void rotate(PeerChannel c) {
        try {
            IssuedKey key = kms.sessionKey(c.peer(), config.pqc(), true);
            c.useKey(key);
            announceKey(c);
        } catch (ClientException e) {
            // Keep the old key rather than stall: the budget is a hygiene limit, not a hard stop.
            keyCallFailed(e);
        }
    }

    /** A key call to the KMS failed after start-up: a RED link is a breach, anything else is reported. */
    private void keyCallFailed(ClientException e) {
        if (e.problem() == ClientException.Problem.LINK_COMPROMISED) {
            compromise();
        } else {
            emit(l -> l.problem(e));
        }
    }

    private void advance(PeerChannel.Outgoing o, DeliveryState next) {
        if (next.compareTo(o.state) > 0) {
            o.state = next;
            emit(l -> l.deliveryChanged(o.id, next));
        }
    }

    private void onChat(JsonNode f, String raw) {
        SealedFrame frame;
        try {
            frame = SealedFrame.fromJson(raw);
        } catch (IllegalArgumentException e) {
            return; // not a well-formed chat frame: nothing to show, nothing to confirm
        }
        String sender = frame.sender();
        if (!config.deviceId().equals(frame.recipient()) || sender.equals(config.deviceId())) {
            return;
        }
        PeerChannel c = channel(sender);
        String id = frame.id();
        String keyId = frame.keyId();
        switch (c.screen(frame)) {
            case DUPLICATE -> {
                if (c.knows(keyId)) {
                    sendReceipt(c, id, keyId); // a retransmission: confirm again, show once
                    return;
                } // under a key we do not hold yet: fetch it below, then confirm
            }
            case TOO_OLD -> {
                return;
            }
            case FRESH -> { }
        }
        if (!c.knows(keyId)) {
            try {
                IssuedKey key = kms.key(keyId);
                c.useKey(key); // the peer moved to a newer key: follow it
                announceKey(c);
            } catch (ClientException e) {
                keyCallFailed(e);
                return;
            }
        }
        Optional<String> text;
        try {
            text = c.open(frame);
        } catch (GeneralSecurityException e) {
            emit(l -> l.problem(new ClientException(ClientException.Problem.PROTOCOL,
                    "A message from " + sender + " failed its integrity check and was dropped.")));
            return;
        }
        if (text.isEmpty()) {
            sendReceipt(c, id, keyId);
            return;
        }
        Instant time = Instant.ofEpochSecond(frame.timestamp());
        ChatMessage m = new ChatMessage(id, sender, sender, text.get(), time, false, keyId);
        emit(l -> l.messageAdded(m));
        sendReceipt(c, id, keyId);
    }

    /** Tells listeners which key is in use with {@code c}'s peer once it can seal with it. */
    private void announceKey(PeerChannel c) {
        if (c.ready()) {
            String id = c.currentKey().map(IssuedKey::keyId).orElse(null);
            emit(l -> l.keyChanged(c.peer(), id, config.pqc()));
        }
    }

    /** Sends our {@code kem_init} for the current key once per connection (hybrid sessions only). */
    private void offerHandshake(PeerChannel c) {
        if (!config.pqc() || pacer == null || !c.hasKey() || c.ready() || c.kemInitSentOn == generation) {
            return;
        }
        HybridHandshake.Initiator i = c.initiator();
        if (i != null && pacer.send(i.kemInit().toJson())) {
            c.kemInitSentOn = generation;
        }
    }

    private final HybridSteps handshake = new HybridSteps();

    /** The responder and initiator steps of the hybrid ML-KEM handshake, on the session thread. */
    private final class HybridSteps {
        void onKemInit(String raw) {
            KemInit init;
            try {
                init = KemInit.fromJson(raw);
            } catch (IllegalArgumentException e) {
                return;
            }
            if (!config.pqc() || !init.recipient().equals(config.deviceId())) {
                return;
            }
            PeerChannel c = channel(init.sender());
            if (!c.knows(init.keyId()) && !follow(c, init.keyId())) {
                return;
            }
            Optional<PeerChannel.Answer> given = c.answer(init.keyId());
            if (given.isPresent() && given.get().initId().equals(init.id())) {
                sendFrame(given.get().resp().toJson()); // the same kem_init again: the same answer
                return;
            }
            boolean oursWins = c.pendingInitiator(init.keyId()).isPresent()
                    && config.deviceId().compareTo(init.sender()) < 0;
            HybridHandshake.Response r;
            try {
                r = HybridHandshake.respond(c.key(init.keyId()).orElseThrow().secret(), init.keyId(),
                        config.deviceId(), init);
            } catch (HandshakeFailedException e) {
                tampered(init.sender());
                return;
            }
            if (oursWins) {
                // Both sides started at once; the smaller device id's handshake is the one both finish.
                r.sessionKey().destroy();
                return;
            }
            c.abandonInitiator();
            c.installHybrid(init.keyId(), r.sessionKey(), new PeerChannel.Answer(init.id(), r.kemResp()));
            sendFrame(r.kemResp().toJson());
            announceKey(c);
            flush(c);
        }

        void onKemResp(String raw) {
            KemResp resp;
            try {
                resp = KemResp.fromJson(raw);
            } catch (IllegalArgumentException e) {
                return;
            }
            PeerChannel c = channels.get(resp.sender());
            if (c == null || !resp.recipient().equals(config.deviceId())) {
                return;
            }
            Optional<HybridHandshake.Initiator> pending = c.pendingInitiator(resp.keyId());
            if (pending.isEmpty()) {
                return; // an answer to a handshake already finished or abandoned
            }
            try {
                SecretBytes session = pending.get().complete(resp);
                c.installHybrid(resp.keyId(), session, null);
            } catch (HandshakeFailedException e) {
                tampered(resp.sender());
                return;
            } catch (IllegalStateException e) {
                return;
            }
            announceKey(c);
            flush(c);
        }

        private boolean follow(PeerChannel c, String keyId) {
            try {
                c.useKey(kms.key(keyId));
                return true;
            } catch (ClientException e) {
                keyCallFailed(e);
                return false;
            }
        }

        private void tampered(String peer) {
            emit(l -> l.problem(new ClientException(ClientException.Problem.HANDSHAKE_TAMPERED,
                    "The post-quantum key exchange with " + peer + " failed its authentication check: someone on"
                            + " the path tampered with it. Messages to " + peer + " stay unsent.")));
        }
    }

    private void sendFrame(String frame) {
        if (pacer != null) {
            pacer.send(frame);
        }
    }

    /**
     * Confirms frame {@code id} to the peer: {@code {"type":"receipt","id","sender","recipient",
     * "key_id","mac"}}, the mac made with the key the frame came under, so that the relay cannot
     * fake a ✓✓.
     */
    private void sendReceipt(PeerChannel c, String id, String keyId) {
        if (pacer != null) {
            c.receiptTag(id, keyId).ifPresent(mac -> pacer.send(KmsClient.JSON.createObjectNode()
                    .put("type", "receipt").put("id", id).put("sender", config.deviceId()).put("recipient", c.peer())
                    .put("key_id", keyId).put("mac", mac).toString()));
        }
    }

    private void onReceipt(JsonNode f) {
        String id = f.path("id").asText("");
        PeerChannel c = byOutgoingId.get(id);
        if (c == null || !c.peer().equals(f.path("sender").asText())
                || !c.receiptGenuine(id, f.path("key_id").asText(null), f.path("mac").asText(null))) {
            return; // not ours, or not made with our pair key: the message stays unconfirmed
        }
        c.confirm(id).ifPresent(o -> {
            byOutgoingId.remove(id);
            advance(o, DeliveryState.DELIVERED);
            flush(c); // a slot in the window is free
        });
    }

    private void onAck(String id) {
        PeerChannel c = byOutgoingId.get(id);
        if (c != null) {
            c.outgoing(id).ifPresent(o -> advance(o, DeliveryState.RELAYED));
        }
    }

    private void onPresence(String device, boolean isOnline) {
        if (device.equals(config.deviceId())) {
            return;
        }
        boolean changed = isOnline ? online.add(device) : online.remove(device);
        if (changed) {
            emit(l -> l.presenceChanged(device, isOnline));
        }
        PeerChannel c = channels.get(device);
        if (isOnline && c != null && state == ConnectionState.ONLINE) {
            // The relay's queue for it may have been lost (e.g. a relay restart): resend what is unconfirmed.
            c.resendAll();
            flush(c);
        }
    }

    private void onClosed(int code, ClientException problem) {
        dropConnection();
        if (closed || state == ConnectionState.COMPROMISED || state == ConnectionState.FAILED) {
            return;
        }
        if (problem != null && !everOnline && !problem.retryable()) {
            fail(problem);
            return;
        }
        // A lost connection while the KMS says RED is a breach, not a network hiccup. The relay's
        // own RED (close code 4403) is confirmed with the KMS too: right after a reset the relay may
        // still refuse for a moment, and that must not send the session back to waiting for a reset.
        if (kmsSaysRed(code == RelayClient.CLOSE_LINK_RED)) {
            compromise();
            return;
        }
        setState(ConnectionState.RECONNECTING, problem != null ? problem.getMessage()
                : "Relay connection lost — reconnecting…");
        retryLater(this::connectRelay);
    }

    /** Asks the KMS whether the link is RED; {@code ifUnknown} decides when the KMS cannot answer. */
    private boolean kmsSaysRed(boolean ifUnknown) {
        try {
            LinkStatus now = kms.linkStatus();
            updateLink(now);
            return now.compromised() || state == ConnectionState.COMPROMISED;
        } catch (ClientException e) {
            emit(l -> l.problem(e));
            return ifUnknown;
        }
    }

    private void onRelayError(String code, String message, boolean beforeRegistered) {
        if ("replaced".equals(code)) {
            fail(new ClientException(ClientException.Problem.REGISTRATION_REJECTED,
                    config.deviceId() + " signed in from another window or machine; this one was disconnected."));
        } else if (beforeRegistered) {
            fail(new ClientException(ClientException.Problem.REGISTRATION_REJECTED,
                    "The relay refused to register " + config.deviceId() + ": "
                            + (message.isEmpty() ? code : message) + "."));
        }
        // Errors about single frames (rate, queue overflow) leave the message unconfirmed:
        // it is retransmitted on the next reconnect or when the peer comes back online.
    }

    // ---- breach and recovery --------------------------------------------------------------------

    private void compromise() {
        if (state == ConnectionState.COMPROMISED || closed) {
            return;
        }
        cancelRetry();
        dropConnection();
        for (PeerChannel c : channels.values()) {
            boolean had = c.hasKey();
            c.wipeKeys();
            if (had) {
                emit(l -> l.keyChanged(c.peer(), null, false));
            }
            // Everything unconfirmed stays as plaintext here and is sealed again only with the new key.
            for (PeerChannel.Outgoing o : c.unconfirmed()) {
                o.sentOn = -1;
                if (o.state != DeliveryState.HELD) {
                    o.state = DeliveryState.HELD;
                    emit(l -> l.deliveryChanged(o.id, DeliveryState.HELD));
                }
            }
        }
        setState(ConnectionState.COMPROMISED, COMPROMISED_MESSAGE);
    }

    private void updateLink(LinkStatus s) {
        LinkStatus before = link;
        link = s;
        emit(l -> l.linkChanged(s));
        boolean breachedMeanwhile = before.version() >= 0 && s.attacksDetected() > before.attacksDetected();
        if (state == ConnectionState.IDLE || state == ConnectionState.CLOSED || state == ConnectionState.FAILED) {
            return;
        }
        if (s.compromised() || breachedMeanwhile) {
            compromise();
        }
        if (!s.compromised() && state == ConnectionState.COMPROMISED) {
            backoff.reset();
            rekeyAndConnect();
        }
    }

    /** Long-polls the KMS for link changes for as long as the session lives (own thread: it blocks). */
    private void watchLink() {
        long version = link.version();
        boolean reportedOutage = false;
        Backoff retry = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        while (!closed) {
            try {
                LinkStatus s = kms.awaitLinkChange(version, LONG_POLL);
                retry.reset();
                reportedOutage = false;
                if (s.version() != version) {
                    version = s.version();
                    post(() -> updateLink(s));
                }
            } catch (ClientException e) {
                if (closed) {
                    return;
                }
                if (!reportedOutage) {
                    reportedOutage = true;
                    post(() -> emit(l -> l.problem(e)));
                }
                try {
                    Thread.sleep(retry.nextDelayMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private PeerChannel channel(String peer) {
        return channels.computeIfAbsent(peer, p -> new PeerChannel(config.deviceId(), p, config.pqc()));
    }

    private void fail(ClientException e) {
        cancelRetry();
        dropConnection();
        emit(l -> l.problem(e));
        setState(ConnectionState.FAILED, e.getMessage());
    }

    private void retryLater(Runnable step) {
        cancelRetry();
        long delay = backoff.nextDelayMillis();
        pendingRetry = actor.schedule(() -> post(() -> {
            pendingRetry = null;
            if (!closed && state != ConnectionState.COMPROMISED && state != ConnectionState.FAILED) {
                step.run();
            }
        }), delay, TimeUnit.MILLISECONDS);
    }

    private void cancelRetry() {
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
            pendingRetry = null;
        }
    }

    private void setState(ConnectionState s, String message) {
        state = s;
        emit(l -> l.connectionChanged(s, message));
    }

    private void emit(java.util.function.Consumer<SessionListener> event) {
        for (SessionListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // A faulty observer must not break the session for the others.
            }
        }
    }

    /** Adapts relay callbacks (OkHttp threads) onto the session thread, ignoring stale connections. */
    private final class RelayEvents implements RelayClient.Listener {
        private boolean current(RelayClient.Connection c) {
            return c == connection;
        }

        @Override
        public void onRegistered(RelayClient.Connection c, List<String> devices) {
            post(() -> {
                if (current(c)) {
                    SecureChatSession.this.onRegistered(devices);
                }
            });
        }

        @Override
        public void onPresence(RelayClient.Connection c, String deviceId, boolean isOnline) {
            post(() -> {
                if (current(c)) {
                    SecureChatSession.this.onPresence(deviceId, isOnline);
                }
            });
        }

        @Override
        public void onAck(RelayClient.Connection c, String id, String status) {
            post(() -> {
                if (current(c)) {
                    SecureChatSession.this.onAck(id);
                }
            });
        }

        @Override
        public void onError(RelayClient.Connection c, String code, String message, String id, boolean before) {
            post(() -> {
                if (current(c)) {
                    onRelayError(code, message, before);
                }
            });
        }

        @Override
        public void onLink(RelayClient.Connection c, String status) {
            post(() -> {
                // Fail closed unless the KMS itself says the link is fine (the relay may lag behind a reset).
                if (current(c) && "RED".equalsIgnoreCase(status) && kmsSaysRed(true)) {
                    compromise();
                }
            });
        }

        @Override
        public void onFrame(RelayClient.Connection c, JsonNode frame, String raw) {
            post(() -> {
                if (!current(c)) {
                    return;
                }
                switch (frame.path("type").asText("")) {
                    case "chat" -> onChat(frame, raw);
                    case "receipt" -> onReceipt(frame);
                    case "kem_init" -> handshake.onKemInit(raw);
                    case "kem_resp" -> handshake.onKemResp(raw);
                    default -> { }
                }
            });
        }

        @Override
        public void onClosed(RelayClient.Connection c, int code, String reason, ClientException problem) {
            post(() -> {
                if (current(c)) {
                    SecureChatSession.this.onClosed(code, problem);
                }
            });
        }
    }
}
