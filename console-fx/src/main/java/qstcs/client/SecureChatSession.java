package qstcs.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import qstcs.crypto.link.LinkStatus;

/**
 * One device's end-to-end encrypted chat: fetches pair keys from the KMS, keeps a registered
 * relay connection, seals and opens frames, tracks receipts, retransmits what is unconfirmed after
 * a reconnect, and reacts to a breach by wiping its keys, holding what is typed, and re-keying by
 * itself once the operator resets the link.
 *
 * <p>This class is the I/O actor: it owns the threads, the KMS and relay clients and the timers,
 * and feeds every event to a {@link SessionCore}, where all decisions are made. Thread-safe:
 * public methods may be called from any thread. All state lives on one session thread, which is
 * also the thread listeners are called on, one event at a time.
 */
public final class SecureChatSession implements AutoCloseable {
    /** Exactly what a soldier sees when the link is breached (the original protocol's wording, kept exactly). */
    public static final String COMPROMISED_MESSAGE = SessionCore.COMPROMISED_MESSAGE;
    /** A chat frame must stay well under the relay's 64 KiB limit after hex encoding. */
    public static final int MAX_TEXT_CHARS = 8_000;
    private static final Duration LONG_POLL = Duration.ofSeconds(25);
    private static final Duration RESEND_CHECK = Duration.ofSeconds(2);
    /** How long closing the session waits for the relay to answer its close frame (a dead relay never does). */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final ClientConfig config;
    private final OkHttpClient http;
    private final KmsClient kms;
    private final RelayClient relay;
    private final ScheduledExecutorService actor;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final SessionCore core;
    private final PeerIdentities identities;
    private final Thread linkWatcher;

    private volatile boolean closed;
    private volatile Thread sessionThread;
    private RelayClient.Connection connection;
    /** The connection closed last, so {@link #close} can let it finish its close handshake. */
    private volatile RelayClient.Connection closing;
    private FramePacer pacer;
    private ScheduledFuture<?> pendingRetry;

    public SecureChatSession(ClientConfig config) {
        this(config, PeerIdentities.NONE);
    }

    /**
     * A session whose hybrid handshakes are signed with {@code identities}' own key and checked
     * against peers' keys ({@link DeviceIdentity} for an enrolled device).
     */
    public SecureChatSession(ClientConfig config, PeerIdentities identities) {
        this.config = Objects.requireNonNull(config);
        this.http = HttpTransport.forConfig(config);
        this.kms = new KmsClient(config, http);
        this.relay = new RelayClient(config, http);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            sessionThread = daemon(r, "qstcs-session-" + config.deviceId());
            return sessionThread;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.actor = ex;
        KeySource keys = config.kme().<KeySource>map(Etsi014KeySource::new).orElse(kms);
        this.identities = Objects.requireNonNull(identities);
        this.core = new SessionCore(config, new Io(), keys, SessionClock.SYSTEM, new Fanout(), identities);
        this.linkWatcher = daemon(this::watchLink, "qstcs-link-watch-" + config.deviceId());
        actor.scheduleWithFixedDelay(() -> post(() -> {
            core.resendTick();
            if (connection != null) {
                connection.checkAlive(System.nanoTime());
            }
        }), RESEND_CHECK.toMillis(), RESEND_CHECK.toMillis(), TimeUnit.MILLISECONDS);
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

    public void addListener(SessionListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    public ConnectionState state() {
        return core.state();
    }

    /** Starts connecting; progress and problems arrive through the listeners. */
    public void start(String... peers) {
        List<String> checked = java.util.Arrays.stream(peers).map(ClientConfig::checkDeviceId).toList();
        post(() -> {
            identities.announce();
            core.start(checked);
        });
    }

    /** Makes sure a conversation with {@code peer} exists and has a key (e.g. when a contact is opened). */
    public void open(String peer) {
        String p = ClientConfig.checkDeviceId(peer);
        post(() -> core.open(p));
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
        post(() -> core.send(id, p, text));
        return id;
    }

    /** Tries the pending reconnect or re-key now instead of when its countdown ends. */
    public void retryNow() {
        post(core::retryNow);
    }

    /**
     * Puts an undelivered message from an earlier run back into the outbox, under its own id: it
     * goes as soon as there is a key and a connection (the receiver shows a message once per id).
     */
    public void resume(ChatMessage m) {
        String p = ClientConfig.checkDeviceId(m.peer());
        post(() -> core.resume(m.id(), p, m.text(), m.time(), m.delivery()));
    }

    /** Sends a failed message again, under the same id. */
    public void retry(ChatMessage m) {
        String p = ClientConfig.checkDeviceId(m.peer());
        post(() -> core.retry(m.id(), p, m.text(), m.time()));
    }

    /** Stops sending message {@code id} (the user deleted it). */
    public void withdraw(String id) {
        post(() -> core.withdraw(id));
    }

    /** The key id in use with {@code peer}, if a key is held right now. */
    public Optional<String> keyId(String peer) {
        return call(() -> core.keyId(peer));
    }

    /** Test hook: rotate keys after this many messages (the default is a production budget). */
    void setMessagesPerKey(long budget) {
        post(() -> core.setMessagesPerKey(budget));
    }

    /** How long the relay may take to accept a message before it is marked failed (tests shorten it). */
    public void setSendDeadline(Duration deadline) {
        post(() -> core.setSendDeadline(deadline));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        linkWatcher.interrupt();
        post(core::close);
        actor.shutdown();
        try {
            actor.awaitTermination(2, TimeUnit.SECONDS);
            // The relay connection closes gracefully: frames already handed to it (the message
            // sent just before the window closed) go out before the close frame. Cancelling the
            // HTTP calls below at once would cut the socket under them.
            RelayClient.Connection last = closing;
            if (last != null) {
                last.awaitGone(CLOSE_GRACE);
            }
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
                core.problem(new ClientException(ClientException.Problem.PROTOCOL,
                        "Internal error in the chat session: " + e.getClass().getSimpleName()));
            }
        });
    }

    private <T> T call(Callable<T> query) {
        try {
            if (Thread.currentThread() == sessionThread) {
                return query.call(); // a listener asking from inside an event
            }
            return actor.submit(query).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("session is not responding", e);
        }
    }

    /** Long-polls the KMS for link changes for as long as the session lives (own thread: it blocks). */
    private void watchLink() {
        // The KMS refuses a negative version. Versions start at the KMS process start time, so 0 (no
        // reading yet) never matches: the first poll answers at once with the current reading.
        long version = core.link().map(LinkStatus::version).orElse(0L);
        boolean reportedOutage = false;
        Backoff retry = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));
        while (!closed) {
            try {
                LinkStatus s = kms.awaitLinkChange(version, LONG_POLL);
                retry.reset();
                boolean back = reportedOutage;
                reportedOutage = false;
                // After an outage the reading goes out even if unchanged: it says the service is back.
                if (s.version() != version || back) {
                    version = s.version();
                    post(() -> core.linkReading(s));
                }
            } catch (ClientException e) {
                if (closed) {
                    return;
                }
                if (!reportedOutage) {
                    reportedOutage = true;
                    post(() -> core.problem(e));
                }
                try {
                    Thread.sleep(retry.nextDelayMillis()); // a pause between attempts, not a synchronisation
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The I/O the core asks for, done on the session thread. */
    private final class Io implements SessionCore.Port {
        @Override
        public void connect() {
            connection = relay.connect(new RelayEvents());
            pacer = new FramePacer(connection, actor);
        }

        @Override
        public Optional<java.net.URI> nextRelay() {
            return Optional.of(relay.next());
        }

        @Override
        public void disconnect() {
            if (pacer != null) {
                pacer.stop();
                pacer = null;
            }
            if (connection != null) {
                connection.close();
                closing = connection;
                connection = null;
            }
        }

        @Override
        public boolean send(String frame) {
            return pacer != null && pacer.send(frame);
        }

        @Override
        public void retryAfter(long millis) {
            cancelRetry();
            pendingRetry = actor.schedule(() -> post(() -> {
                pendingRetry = null;
                core.retryDue();
            }), millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void cancelRetry() {
            if (pendingRetry != null) {
                pendingRetry.cancel(false);
                pendingRetry = null;
            }
        }

        @Override
        public LinkStatus linkStatus() throws ClientException {
            return kms.linkStatus();
        }

        @Override
        public void watchLink() {
            if (!linkWatcher.isAlive() && !closed) {
                linkWatcher.start();
            }
        }
    }

    /** Hands every core event to every listener; a faulty observer must not break the session for the others. */
    private final class Fanout implements SessionListener {
        private void each(Consumer<SessionListener> event) {
            for (SessionListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    // ignored: see the class comment
                }
            }
        }

        @Override
        public void connectionChanged(ConnectionState state, String message) {
            each(l -> l.connectionChanged(state, message));
        }

        @Override
        public void linkChanged(LinkStatus status) {
            each(l -> l.linkChanged(status));
        }

        @Override
        public void retryScheduled(Duration delay) {
            each(l -> l.retryScheduled(delay));
        }

        @Override
        public void keyChanged(String peer, String keyId, boolean hybrid) {
            each(l -> l.keyChanged(peer, keyId, hybrid));
        }

        @Override
        public void messageAdded(ChatMessage message) {
            each(l -> l.messageAdded(message));
        }

        @Override
        public void deliveryChanged(String messageId, DeliveryState state) {
            each(l -> l.deliveryChanged(messageId, state));
        }

        @Override
        public void presenceChanged(String deviceId, boolean online) {
            each(l -> l.presenceChanged(deviceId, online));
        }

        @Override
        public void problem(ClientException problem) {
            each(l -> l.problem(problem));
        }
    }

    /** Moves relay callbacks (OkHttp threads) onto the session thread, ignoring stale connections. */
    private final class RelayEvents implements RelayClient.Listener {
        @Override
        public void onFrame(RelayClient.Connection c, RelayFrame frame) {
            post(() -> {
                if (c == connection) {
                    core.relayFrame(frame);
                }
            });
        }

        @Override
        public void onClosed(RelayClient.Connection c, int code, String reason, ClientException problem) {
            post(() -> {
                if (c == connection) {
                    core.relayClosed(code, problem);
                }
            });
        }
    }
}
