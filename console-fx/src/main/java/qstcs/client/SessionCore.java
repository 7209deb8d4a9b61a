package qstcs.client;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.seal.KeyRotationPolicy;
import qstcs.crypto.seal.KeyUnavailable;
import qstcs.crypto.seal.Receipt;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.wire.CloseCode;

/**
 * Every decision of a chat session, with no thread, socket or timer of its own: which frames go
 * now and which are held, what is resent and when, what a receipt confirms, what a breach wipes,
 * when to re-key and reconnect. Inputs are method calls (a relay frame, a link reading, a tick of
 * the resend timer); outputs go through a {@link Port} (send a frame, connect, schedule a retry),
 * a {@link KeySource} and the listener. {@link SecureChatSession} is the I/O actor around it; tests
 * drive it directly with a fake port and a fake clock.
 *
 * <p>Not thread-safe: one thread at a time (the actor's). {@link #state()} and {@link #link()} may
 * be read from any thread.
 */
final class SessionCore {
    /** Exactly what a soldier sees when the link is breached (the original protocol's wording, kept exactly). */
    static final String COMPROMISED_MESSAGE = "Connection lost — quantum channel compromised. Awaiting re-key.";
    /**
     * Unconfirmed messages per peer on the wire at once. What waits at the relay for a peer that
     * comes back is at worst four windows: the peer's messages, a receipt for each of ours, and,
     * once it is back, both sides' windows sent again (its new connection, its presence) with a
     * receipt for each copy of ours. Four windows fit the relay's queue of 256 frames per
     * recipient, which a single relay makes room in by dropping the oldest frames and a cluster by
     * refusing the newest ({@code queue_full}): either way a message would arrive out of order or
     * not at all.
     */
    static final int WINDOW = 64;
    /** An unconfirmed message this old on a live connection to an online peer is sent again. */
    static final Duration RESEND_AFTER = Duration.ofSeconds(8);
    /**
     * A message the relay has not taken (no ✓) this long after it was typed is marked failed, so
     * that a soldier knows it did not go rather than trusting a message that sits in a queue.
     */
    static final Duration SEND_DEADLINE = Duration.ofMinutes(2);

    /** The I/O the core asks for; the actor does it and reports back through the core's methods. */
    interface Port {
        /** Opens a new relay connection (the old one is already gone); it registers by itself. */
        void connect();

        void disconnect();

        /** Sends a frame on the current connection; false when there is none. */
        boolean send(String frame);

        /** Calls {@link #retryDue()} on the session thread after {@code millis}, replacing any earlier retry. */
        void retryAfter(long millis);

        void cancelRetry();

        /** The key service's link reading now. */
        LinkStatus linkStatus() throws ClientException;

        /** Starts following link changes; readings arrive through {@link #linkReading}. */
        void watchLink();

        /** The relay the next {@link #connect} goes to, when it knows (one of a cluster's several). */
        default Optional<java.net.URI> nextRelay() {
            return Optional.empty();
        }
    }

    private final ClientConfig config;
    private final String me;
    private final boolean hybrid;
    private final Port port;
    private final KeySource keys;
    private final SessionClock clock;
    private final SessionListener listener;
    private final Backoff backoff;
    private final HybridExchange exchange;
    private final Map<String, PeerChannel> channels = new LinkedHashMap<>();
    private final Map<String, PeerChannel> byOutgoingId = new LinkedHashMap<>();
    private final Set<String> online = new LinkedHashSet<>();

    private volatile ConnectionState state = ConnectionState.IDLE;
    /** The latest link reading; null until the key service has answered once. */
    private volatile LinkStatus link;
    private boolean connected;
    private boolean registered;
    private long generation;
    private boolean everOnline;
    private Runnable retryStep;
    private KeyRotationPolicy rotation = KeyRotationPolicy.defaults();
    private Duration sendDeadline = SEND_DEADLINE;
    private List<String> startPeers = List.of();

    SessionCore(ClientConfig config, Port port, KeySource keys, SessionClock clock, SessionListener listener) {
        this(config, port, keys, clock, listener, PeerIdentities.NONE);
    }

    SessionCore(ClientConfig config, Port port, KeySource keys, SessionClock clock, SessionListener listener,
                PeerIdentities identities) {
        this.config = config;
        this.me = config.deviceId();
        this.hybrid = config.pqc();
        this.port = Objects.requireNonNull(port);
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.listener = Objects.requireNonNull(listener);
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        this.exchange = new HybridExchange(me, Objects.requireNonNull(identities));
    }

    ConnectionState state() {
        return state;
    }

    Optional<LinkStatus> link() {
        return Optional.ofNullable(link);
    }

    // ---- commands ---------------------------------------------------------------------------------

    void start(List<String> peers) {
        if (state != ConnectionState.IDLE) {
            return;
        }
        peers.forEach(this::channel);
        startPeers = List.copyOf(peers);
        begin();
    }

    /** The first link reading, then keys and the relay; an unreachable service is retried, never given up on. */
    private void begin() {
        setState(ConnectionState.CONNECTING, "Connecting to the key service at " + config.kmsUrl() + "…");
        LinkStatus first;
        try {
            first = port.linkStatus();
        } catch (ClientException e) {
            if (transientProblem(e)) {
                emit(l -> l.problem(e));
                retryLater(this::begin, ConnectionState.CONNECTING, e.getMessage());
            } else {
                fail(e);
            }
            return;
        }
        linkReading(first); // before the watcher starts: it long-polls from this reading's version
        port.watchLink();
        if (state != ConnectionState.COMPROMISED) {
            rekeyAndConnect();
        }
    }

    /**
     * Runs the pending retry now instead of waiting for its timer (the "retry now" button). Does
     * nothing when no retry is pending.
     */
    void retryNow() {
        if (retryStep != null) {
            port.cancelRetry();
            retryDue();
        }
    }

    /**
     * Puts a message from an earlier run back into the outbox (it was held or unconfirmed when the
     * window closed). It is not shown again (the history shows it) and goes as soon as it can.
     */
    void resume(String id, String peer, String text, Instant typedAt, DeliveryState last) {
        if (byOutgoingId.containsKey(id)) {
            return;
        }
        PeerChannel c = channel(peer);
        PeerChannel.Outgoing o = c.enqueue(id, text, typedAt, clock.nanoTime());
        byOutgoingId.put(id, c);
        o.state = state == ConnectionState.COMPROMISED || last == DeliveryState.HELD ? DeliveryState.HELD
                : DeliveryState.PENDING;
        if (o.state != last) {
            emit(l -> l.deliveryChanged(id, o.state));
        }
        if (state == ConnectionState.ONLINE) {
            flush(c);
        }
    }

    /** The user asks to send a failed message again: it goes back into the outbox under the same id. */
    void retry(String id, String peer, String text, Instant typedAt) {
        resume(id, peer, text, typedAt, DeliveryState.FAILED);
    }

    /** The user deleted an unsent message: it is never sent (a copy already on the wire may still arrive). */
    void withdraw(String id) {
        PeerChannel c = byOutgoingId.remove(id);
        if (c != null) {
            c.withdraw(id);
        }
    }

    void open(String peer) {
        PeerChannel c = channel(peer);
        if (state == ConnectionState.ONLINE) {
            ensureKey(c);
        }
    }

    /**
     * Queues message {@code id} for {@code peer}. It is shown at once in its true state (held while
     * the link is breached, else waiting) and sent as soon as there is a key and a connection.
     */
    void send(String id, String peer, String text) {
        PeerChannel c = channel(peer);
        Instant now = clock.now();
        PeerChannel.Outgoing o = c.enqueue(id, text, now, clock.nanoTime());
        byOutgoingId.put(id, c);
        if (state == ConnectionState.COMPROMISED) {
            o.state = DeliveryState.HELD;
        }
        emit(l -> l.messageAdded(new ChatMessage(id, peer, me, text, now, true,
                c.currentKey().map(IssuedKey::keyId).orElse(null), o.state)));
        if (state == ConnectionState.ONLINE) {
            flush(c);
        }
    }

    Optional<String> keyId(String peer) {
        return Optional.ofNullable(channels.get(peer)).flatMap(PeerChannel::currentKey).map(IssuedKey::keyId);
    }

    void setMessagesPerKey(long budget) {
        rotation = new KeyRotationPolicy(budget, rotation.maxAge());
    }

    void setSendDeadline(Duration deadline) {
        sendDeadline = Objects.requireNonNull(deadline);
    }

    void close() {
        retryStep = null;
        port.cancelRetry();
        dropConnection();
        channels.values().forEach(PeerChannel::wipeKeys);
        setState(ConnectionState.CLOSED, "Closed.");
    }

    // ---- inputs -----------------------------------------------------------------------------------

    /** One frame from the current relay connection, dispatched once on its type. */
    void relayFrame(RelayFrame frame) {
        switch (frame) {
            case RelayFrame.Registered r -> onRegistered(r.online());
            case RelayFrame.Presence p -> onPresence(p.deviceId(), p.online());
            case RelayFrame.Ack a -> onAck(a.id());
            case RelayFrame.Error e -> onRelayError(e.code(), e.message(), e.id());
            case RelayFrame.Link l -> {
                // Fail closed unless the KMS itself says the link is fine (the relay may lag behind a reset).
                if ("RED".equalsIgnoreCase(l.status()) && kmsSaysRed(true)) {
                    compromise();
                }
            }
            case RelayFrame.Chat c -> onChat(c.frame());
            case RelayFrame.ReceiptFrame r -> onReceipt(r.receipt());
            case RelayFrame.KeyLost k -> onKeyUnavailable(k.answer());
            case RelayFrame.HandshakeInit i -> onKemInit(i.init());
            case RelayFrame.HandshakeResp r -> onKemResp(r.resp());
        }
    }

    /** The current relay connection is gone ({@code problem} null when it closed normally). */
    void relayClosed(int code, ClientException problem) {
        dropConnection();
        if (inactive()) {
            return;
        }
        if (problem != null && !everOnline && !problem.retryable() && !transientProblem(problem)) {
            fail(problem);
            return;
        }
        // A lost connection while the KMS says RED is a breach, not a network hiccup. The relay's
        // own RED (close code 4403) is confirmed with the KMS too: right after a reset the relay may
        // still refuse for a moment, and that must not send the session back to waiting for a reset.
        if (kmsSaysRed(code == CloseCode.LINK_RED.code())) {
            compromise();
            return;
        }
        ConnectionState next = everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING;
        retryLater(this::connectRelay, next, problem != null ? problem.getMessage()
                : "Relay connection lost — reconnecting…");
    }

    /** A link reading from the key service (the first one, or a change the watcher saw). */
    void linkReading(LinkStatus s) {
        LinkStatus before = link;
        link = s;
        emit(l -> l.linkChanged(s));
        boolean breachedMeanwhile = before != null && before.hasVersion()
                && s.attacksDetected() > before.attacksDetected();
        if (state == ConnectionState.IDLE || state == ConnectionState.CLOSED || state == ConnectionState.FAILED) {
            return;
        }
        if (red(s) || breachedMeanwhile) {
            compromise();
        }
        if (!red(s) && state == ConnectionState.COMPROMISED) {
            backoff.reset();
            rekeyAndConnect();
        }
    }

    /** Something went wrong that a person may want to know, outside the core (e.g. the link watcher). */
    void problem(ClientException e) {
        emit(l -> l.problem(e));
    }

    /**
     * The resend timer: when the oldest unconfirmed message to an online peer got no receipt in
     * {@link #RESEND_AFTER}, a frame went missing, and everything unconfirmed to that peer goes again.
     */
    void resendTick() {
        failOverdue();
        if (state != ConnectionState.ONLINE) {
            return;
        }
        long now = clock.nanoTime();
        for (PeerChannel c : channels.values()) {
            if (!online.contains(c.peer())) {
                continue;
            }
            List<PeerChannel.Outgoing> unconfirmed = c.unconfirmed();
            if (!unconfirmed.isEmpty()) {
                PeerChannel.Outgoing oldest = unconfirmed.getFirst();
                if (oldest.sentOn == generation && now - oldest.sentAtNanos > RESEND_AFTER.toNanos()) {
                    c.resendAll();
                    flush(c);
                }
            }
        }
    }

    /**
     * Marks failed what the relay has not taken within the send deadline. Held messages wait for
     * the operator's reset by design and never fail; nor does a message the relay acknowledged.
     */
    private void failOverdue() {
        if (state == ConnectionState.COMPROMISED || state == ConnectionState.IDLE || state == ConnectionState.CLOSED) {
            return;
        }
        long now = clock.nanoTime();
        for (PeerChannel c : channels.values()) {
            for (PeerChannel.Outgoing o : c.unconfirmed()) {
                if (o.state.compareTo(DeliveryState.RELAYED) < 0 && o.state != DeliveryState.HELD
                        && now - o.queuedAtNanos > sendDeadline.toNanos()) {
                    failMessage(c, o);
                }
            }
        }
    }

    private void failMessage(PeerChannel c, PeerChannel.Outgoing o) {
        c.withdraw(o.id);
        byOutgoingId.remove(o.id);
        o.state = DeliveryState.FAILED;
        emit(l -> l.deliveryChanged(o.id, DeliveryState.FAILED));
    }

    /** The retry asked for with {@link Port#retryAfter} is due. */
    void retryDue() {
        Runnable step = retryStep;
        retryStep = null;
        if (step != null && !inactive()) {
            step.run();
        }
    }

    // ---- connection and keys ------------------------------------------------------------------------

    /** Gets a key for every conversation, then (re)connects to the relay. */
    private void rekeyAndConnect() {
        setState(everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING,
                everOnline ? "Re-keying…" : "Fetching keys…");
        for (PeerChannel c : channels.values()) {
            ensureKey(c);
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
            c.useKey(keys.pairKey(c.peer(), hybrid, false), clock.now());
            announceKey(c);
            return true;
        } catch (ClientException e) {
            if (e.problem() == ClientException.Problem.LINK_COMPROMISED) {
                compromise();
            } else if (!everOnline && !transientProblem(e)) {
                fail(e);
            } else {
                emit(l -> l.problem(e));
                // While online (a conversation opened, a key fetch failed) the relay link stays up.
                retryLater(this::rekeyAndConnect, state == ConnectionState.ONLINE ? null
                        : everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING, e.getMessage());
            }
            return false;
        }
    }

    /** Follows the peer to key {@code keyId} (it rotated, or re-keyed first); false when the key service says no. */
    private boolean follow(PeerChannel c, String keyId) {
        try {
            c.useKey(keys.keyById(c.peer(), keyId), clock.now());
            announceKey(c);
            return true;
        } catch (ClientException e) {
            keyCallFailed(e);
            return false;
        }
    }

    private void rotate(PeerChannel c) {
        try {
            c.useKey(keys.pairKey(c.peer(), hybrid, true), clock.now());
            announceKey(c);
        } catch (ClientException e) {
            // Keep the old key rather than stall: the budget is a hygiene limit, not a hard stop.
            keyCallFailed(e);
        }
    }

    /** A key call failed after start-up: a RED link is a breach, anything else is reported. */
    private void keyCallFailed(ClientException e) {
        if (e.problem() == ClientException.Problem.LINK_COMPROMISED) {
            compromise();
        } else {
            emit(l -> l.problem(e));
        }
    }

    private void connectRelay() {
        if (inactive()) {
            return;
        }
        setState(everOnline ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING,
                "Connecting to the relay at " + port.nextRelay().orElse(config.relayUrl()) + "…");
        dropConnection();
        generation++;
        registered = false;
        connected = true;
        port.connect();
    }

    private void dropConnection() {
        // Without a connection nobody is known to be online (the next "registered" says who is).
        online.forEach(d -> emit(l -> l.presenceChanged(d, false)));
        online.clear();
        if (connected) {
            connected = false;
            port.disconnect();
        }
    }

    /** Asks the KMS whether the link is RED; {@code ifUnknown} decides when the KMS cannot answer. */
    private boolean kmsSaysRed(boolean ifUnknown) {
        try {
            LinkStatus now = port.linkStatus();
            linkReading(now);
            return red(now) || state == ConnectionState.COMPROMISED;
        } catch (ClientException e) {
            emit(l -> l.problem(e));
            return ifUnknown;
        }
    }

    // ---- relay frames -------------------------------------------------------------------------------

    private void onRegistered(List<String> devices) {
        everOnline = true;
        registered = true;
        backoff.reset();
        online.clear();
        devices.stream().filter(d -> !d.equals(me)).forEach(online::add);
        online.forEach(d -> emit(l -> l.presenceChanged(d, true)));
        setState(ConnectionState.ONLINE, "Online — end-to-end encrypted.");
        for (PeerChannel c : channels.values()) {
            // A new connection: whatever the old one carried may be lost, so everything unconfirmed goes again.
            c.resendAll();
            flush(c);
        }
    }

    private void onPresence(String device, boolean isOnline) {
        if (device.equals(me)) {
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

    private void onAck(String id) {
        PeerChannel c = byOutgoingId.get(id);
        if (c != null) {
            c.outgoing(id).ifPresent(o -> advance(o, DeliveryState.RELAYED));
        }
    }

    private void onRelayError(String code, String message, String id) {
        if ("queue_full".equals(code)) {
            // The relay's offline storage is exhausted: this frame was not kept and will not arrive.
            PeerChannel c = byOutgoingId.get(id);
            if (c != null) {
                c.outgoing(id).ifPresent(o -> failMessage(c, o));
            }
            return;
        }
        if ("replaced".equals(code)) {
            fail(new ClientException(ClientException.Problem.REGISTRATION_REJECTED,
                    me + " signed in from another window or machine; this one was disconnected."));
        } else if (!registered) {
            fail(new ClientException(ClientException.Problem.REGISTRATION_REJECTED,
                    "The relay refused to register " + me + ": " + (message.isEmpty() ? code : message) + "."));
        }
        // Errors about single frames (rate, queue overflow) leave the message unconfirmed:
        // it is retransmitted on the next reconnect or when the peer comes back online.
    }

    private void onChat(SealedFrame frame) {
        String sender = frame.sender();
        if (!me.equals(frame.recipient()) || sender.equals(me)) {
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
            Optional<IssuedKey> answer = c.answerFor(keyId);
            if (answer.isPresent()) {
                askToResend(c, id, keyId, answer.get()); // more of a burst under the same lost key
                return;
            }
            try {
                c.useKey(keys.keyById(c.peer(), keyId), clock.now());
                announceKey(c);
            } catch (ClientException e) {
                if (e.problem() == ClientException.Problem.KEY_GONE) {
                    keyLost(c, id, keyId);
                } else {
                    keyCallFailed(e);
                }
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
        text.ifPresent(t -> emit(l -> l.messageAdded(new ChatMessage(id, sender, sender, t,
                Instant.ofEpochSecond(frame.timestamp()), false, keyId, DeliveryState.DELIVERED))));
        sendReceipt(c, id, keyId);
    }

    /**
     * The key service does not know the key frame {@code id} came under (it restarted, or the key
     * was revoked). Instead of dropping the message, get the key the service holds for the pair now
     * and ask the sender, authenticated with that key, to re-send under it.
     */
    private void keyLost(PeerChannel c, String id, String missingKeyId) {
        IssuedKey now;
        try {
            c.useKey(keys.pairKey(c.peer(), hybrid, false), clock.now());
            now = c.currentKey().orElseThrow();
            announceKey(c);
        } catch (ClientException e) {
            keyCallFailed(e);
            return;
        }
        c.answeredWith(missingKeyId, now.keyId());
        askToResend(c, id, missingKeyId, now);
    }

    private void askToResend(PeerChannel c, String id, String missingKeyId, IssuedKey under) {
        port.send(KeyUnavailable.sign(id, me, c.peer(), under.keyId(), missingKeyId, under.secret()).toJson());
    }

    /**
     * The peer could not get the key our frame came under. Once the answer proves itself with the
     * key it names (which this device fetches from the key service, so a relay cannot make one up),
     * that key replaces the lost one and every message sealed under the lost key goes again.
     */
    private void onKeyUnavailable(KeyUnavailable k) {
        PeerChannel c = channels.get(k.sender());
        if (c == null || !k.recipient().equals(me) || k.keyId().equals(k.missingKeyId())) {
            return;
        }
        Optional<IssuedKey> named = c.key(k.keyId());
        if (named.isEmpty()) {
            try {
                named = Optional.of(keys.keyById(c.peer(), k.keyId()));
            } catch (ClientException e) {
                keyCallFailed(e);
                return;
            }
            if (!k.genuine(named.get().secret())) {
                named.get().destroy();
                return;
            }
            c.retire(k.missingKeyId());
            c.useKey(named.get(), clock.now());
        } else if (!k.genuine(named.get().secret())) {
            return;
        } else {
            c.retire(k.missingKeyId());
            c.useKey(named.get(), clock.now());
        }
        announceKey(c);
        for (PeerChannel.Outgoing o : c.unconfirmed()) {
            if (k.missingKeyId().equals(o.sealedUnder) && o.state != DeliveryState.HELD) {
                o.sentOn = -1;
                o.state = DeliveryState.RESECURING;
                emit(l -> l.deliveryChanged(o.id, DeliveryState.RESECURING));
            }
        }
        flush(c);
    }

    /** Confirms frame {@code id} to the peer, with a mac under the key the frame came under. */
    private void sendReceipt(PeerChannel c, String id, String keyId) {
        c.receiptTag(id, keyId).ifPresent(mac -> port.send(new Receipt(id, me, c.peer(), keyId, mac).toJson()));
    }

    private void onReceipt(Receipt r) {
        PeerChannel c = byOutgoingId.get(r.id());
        if (c == null || !c.peer().equals(r.sender()) || !c.receiptGenuine(r.id(), r.keyId(), r.mac())) {
            return; // not ours, or not made with our pair key: the message stays unconfirmed
        }
        c.confirm(r.id()).ifPresent(o -> {
            byOutgoingId.remove(r.id());
            advance(o, DeliveryState.DELIVERED);
            flush(c); // a slot in the window is free
        });
    }

    private void onKemInit(KemInit init) {
        if (!hybrid || !init.recipient().equals(me)) {
            return;
        }
        PeerChannel c = channel(init.sender());
        if (!c.knows(init.keyId()) && !follow(c, init.keyId())) {
            return;
        }
        handshakeStep(c, init.sender(), exchange.answer(c, init));
    }

    private void onKemResp(KemResp resp) {
        PeerChannel c = channels.get(resp.sender());
        if (c != null && resp.recipient().equals(me)) {
            handshakeStep(c, resp.sender(), exchange.complete(c, resp));
        }
    }

    private void handshakeStep(PeerChannel c, String peer, HybridExchange.Step step) {
        step.reply().ifPresent(port::send);
        switch (step.result()) {
            case TAMPERED -> emit(l -> l.problem(new ClientException(ClientException.Problem.HANDSHAKE_TAMPERED,
                    "The post-quantum key exchange with " + peer + " failed its authentication check: someone on"
                            + " the path tampered with it. Messages to " + peer + " stay unsent.")));
            case COMPLETED -> {
                announceKey(c);
                flush(c);
            }
            case RESTARTED -> offerHandshake(c);
            case IGNORED, REPEATED -> { }
        }
    }

    // ---- delivery -----------------------------------------------------------------------------------

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
            if (state != ConnectionState.ONLINE || !connected) {
                return;
            }
            if (o.sentOn == generation) {
                continue;
            }
            if (inFlight >= WINDOW) {
                if (o.state == DeliveryState.HELD) {
                    advance(o, DeliveryState.PENDING);
                }
                continue;
            }
            transmit(c, o);
            inFlight++;
        }
    }

    private void transmit(PeerChannel c, PeerChannel.Outgoing o) {
        if (c.mustRotate(rotation, clock.now())) {
            rotate(c);
            if (!c.ready()) {
                offerHandshake(c);
                return;
            }
        }
        if (port.send(c.seal(o))) {
            o.sentOn = generation;
            o.sentAtNanos = clock.nanoTime();
            advance(o, DeliveryState.SENT);
        }
    }

    /** Sends our {@code kem_init} for the current key once per connection (hybrid sessions only). */
    private void offerHandshake(PeerChannel c) {
        if (hybrid && connected) {
            exchange.offer(c, generation).filter(port::send).ifPresent(sent -> c.kemInitSentOn = generation);
        }
    }

    /** Moves {@code o} forward (a message never goes back, except to HELD on a breach). */
    private void advance(PeerChannel.Outgoing o, DeliveryState next) {
        if (next.compareTo(o.state) > 0) {
            o.state = next;
            emit(l -> l.deliveryChanged(o.id, next));
        }
    }

    // ---- breach -------------------------------------------------------------------------------------

    private void compromise() {
        if (state == ConnectionState.COMPROMISED || state == ConnectionState.CLOSED) {
            return;
        }
        retryStep = null;
        port.cancelRetry();
        dropConnection();
        keys.forgetAll();
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

    // ---- plumbing -----------------------------------------------------------------------------------

    /** Closed, failed or breached: nothing but a link reading (or nothing at all) moves the session on. */
    private boolean inactive() {
        return state == ConnectionState.CLOSED || state == ConnectionState.COMPROMISED
                || state == ConnectionState.FAILED;
    }

    private static boolean red(LinkStatus s) {
        return s.status() == LinkColour.RED;
    }

    /** Tells listeners which key is in use with {@code c}'s peer once it can seal with it. */
    private void announceKey(PeerChannel c) {
        if (c.ready()) {
            String id = c.currentKey().map(IssuedKey::keyId).orElse(null);
            emit(l -> l.keyChanged(c.peer(), id, hybrid));
        }
    }

    private PeerChannel channel(String peer) {
        return channels.computeIfAbsent(peer, p -> new PeerChannel(me, p, hybrid));
    }

    private void fail(ClientException e) {
        retryStep = null;
        port.cancelRetry();
        dropConnection();
        emit(l -> l.problem(e));
        setState(ConnectionState.FAILED, e.getMessage());
    }

    /**
     * Schedules {@code step} after the next backoff delay; {@code waiting} (null: unchanged) and
     * {@code why} say what is awaited, and listeners learn when the next attempt is.
     */
    private void retryLater(Runnable step, ConnectionState waiting, String why) {
        retryStep = step;
        long delay = backoff.nextDelayMillis();
        if (waiting != null) {
            setState(waiting, why);
        }
        emit(l -> l.retryScheduled(Duration.ofMillis(delay)));
        port.retryAfter(delay);
    }

    /** A service that did not answer (down, restarting, network) may answer later: worth retrying. */
    private static boolean transientProblem(ClientException e) {
        return e.retryable() || e.problem() == ClientException.Problem.KMS_UNREACHABLE
                || e.problem() == ClientException.Problem.RELAY_UNREACHABLE;
    }

    private void setState(ConnectionState s, String message) {
        state = s;
        emit(l -> l.connectionChanged(s, message));
    }

    private void emit(Consumer<SessionListener> event) {
        event.accept(listener);
    }
}
