package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Everything the SOC console shows, as read-only properties, plus the operator's commands.
 * The KMS feeds it through its event stream; the relay through its polled {@code /stats}.
 * All properties change on the FX thread only; all network calls run in named background tasks.
 */
public final class ConsoleModel implements AutoCloseable {
    /** Three missed router heartbeats (sent every 10 s) mean the guard is silent. */
    static final Duration ROUTER_STALE_AFTER = Duration.ofSeconds(30);
    static final int AUDIT_CAPACITY = 200;

    /** Whether the console currently receives the KMS event stream. */
    public enum StreamState { CONNECTING, LIVE, OFFLINE }

    private final OkHttpClient http;
    private final Optional<OperatorToken> token;
    private final ExecutorService background;
    private final Timeline clock;
    private final RelayStatsService relayService;
    private final AtomicInteger generation = new AtomicInteger();
    private KmsOperatorClient kms;
    private KmsEventStream events;
    private boolean haveStatus;
    private boolean statusRefreshPending;
    private double[] pendingEve;
    private long lastStatusRead = System.nanoTime();
    private static final long STATUS_REFRESH_NANOS = 2_000_000_000L;

    private final ReadOnlyObjectWrapper<HttpUrl> kmsUrl = new ReadOnlyObjectWrapper<>(this, "kmsUrl");
    private final ReadOnlyObjectWrapper<HttpUrl> relayUrl = new ReadOnlyObjectWrapper<>(this, "relayUrl");
    private final ReadOnlyObjectWrapper<StreamState> stream = new ReadOnlyObjectWrapper<>(this, "stream", StreamState.CONNECTING);
    private final ReadOnlyStringWrapper offlineReason = new ReadOnlyStringWrapper(this, "offlineReason", "connecting to the KMS…");
    private final ReadOnlyObjectWrapper<LinkState> lamp = new ReadOnlyObjectWrapper<>(this, "lamp", LinkState.OFFLINE);
    private final ReadOnlyObjectWrapper<LinkState> kmsState = new ReadOnlyObjectWrapper<>(this, "kmsState", LinkState.GREEN);
    private final ReadOnlyDoubleWrapper qber = new ReadOnlyDoubleWrapper(this, "qber");
    private final ReadOnlyDoubleWrapper lastRoundQber = new ReadOnlyDoubleWrapper(this, "lastRoundQber");
    private final ReadOnlyDoubleWrapper keyRateBps = new ReadOnlyDoubleWrapper(this, "keyRateBps");
    private final ReadOnlyLongWrapper keysIssued = new ReadOnlyLongWrapper(this, "keysIssued");
    private final ReadOnlyLongWrapper attacksDetected = new ReadOnlyLongWrapper(this, "attacksDetected");
    private final ReadOnlyLongWrapper activeSessions = new ReadOnlyLongWrapper(this, "activeSessions");
    private final ReadOnlyLongWrapper poolBits = new ReadOnlyLongWrapper(this, "poolBits");
    private final ReadOnlyLongWrapper round = new ReadOnlyLongWrapper(this, "round");
    private final ReadOnlyBooleanWrapper eveActive = new ReadOnlyBooleanWrapper(this, "eveActive");
    private final ReadOnlyDoubleWrapper eveRate = new ReadOnlyDoubleWrapper(this, "eveRate");
    private final ReadOnlyObjectWrapper<RoundSample> latestRound = new ReadOnlyObjectWrapper<>(this, "latestRound");
    private final ReadOnlyObjectWrapper<RouterHeartbeat> routerHeartbeat = new ReadOnlyObjectWrapper<>(this, "routerHeartbeat");
    private final ReadOnlyStringWrapper routerSignal = new ReadOnlyStringWrapper(this, "routerSignal", "NO SIGNAL");
    private final ReadOnlyStringWrapper routerDetail = new ReadOnlyStringWrapper(this, "routerDetail", "no heartbeat received yet");
    private final ReadOnlyObjectWrapper<RelayStats> relayStats = new ReadOnlyObjectWrapper<>(this, "relayStats");
    private final ReadOnlyBooleanWrapper relayReachable = new ReadOnlyBooleanWrapper(this, "relayReachable");
    private final ObservableList<AuditEntry> audit = FXCollections.observableArrayList();
    private final ObservableList<AuditEntry> auditView = FXCollections.unmodifiableObservableList(audit);
    private final ReadOnlyBooleanWrapper forceAttackRunning = new ReadOnlyBooleanWrapper(this, "forceAttackRunning");
    private final ReadOnlyBooleanWrapper resetRunning = new ReadOnlyBooleanWrapper(this, "resetRunning");
    private final ReadOnlyBooleanWrapper eveRunning = new ReadOnlyBooleanWrapper(this, "eveRunning");
    private final ReadOnlyObjectWrapper<OperatorNotice> notice = new ReadOnlyObjectWrapper<>(this, "notice");

    /** Must be created on the FX thread; call {@link #start()} to connect. */
    public ConsoleModel(OkHttpClient http, HttpUrl kmsBase, HttpUrl relayBase, Optional<OperatorToken> token) {
        this.http = http;
        this.token = token;
        // Work handed in after close() (e.g. a relay poll already scheduled) is dropped, not an error.
        this.background = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "console-operator");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        kmsUrl.set(kmsBase);
        relayUrl.set(relayBase);
        relayService = new RelayStatsService(new RelayStatsClient(http, relayBase, token));
        relayService.setExecutor(background);
        relayService.lastValueProperty().addListener((obs, old, stats) -> {
            if (stats != null) {
                relayReachable.set(stats.isPresent());
                stats.ifPresent(relayStats::set);
            }
        });
        clock = new Timeline(new KeyFrame(javafx.util.Duration.seconds(1), e -> refreshRouterSignal(Instant.now())));
        clock.setCycleCount(Timeline.INDEFINITE);
        stream.addListener((obs, old, now) -> refreshLamp());
        kmsState.addListener((obs, old, now) -> refreshLamp());
    }

    public void start() {
        connectKms();
        relayService.start();
        clock.play();
    }

    /** Points the console at other servers (the settings dialog); state from the old KMS is dropped. */
    public void reconnect(HttpUrl newKms, HttpUrl newRelay) {
        if (!newKms.equals(kmsUrl.get())) {
            kmsUrl.set(newKms);
            if (events != null) {
                events.close();
            }
            haveStatus = false;
            audit.clear();
            connectKms();
        }
        if (!newRelay.equals(relayUrl.get())) {
            relayUrl.set(newRelay);
            relayStats.set(null);
            relayReachable.set(false);
            relayService.use(new RelayStatsClient(http, newRelay, token));
        }
    }

    @Override
    public void close() {
        generation.incrementAndGet();
        clock.stop();
        relayService.cancel();
        if (events != null) {
            events.close();
        }
        background.shutdownNow();
    }

    // --- operator commands ----------------------------------------------------------------------

    public void forceAttack() {
        runCommand("Force Attack", forceAttackRunning, client -> {
            client.forceAttack();
            return client.linkStatus();
        }, status -> notice.set(OperatorNotice.info("Attack forced",
                String.format("Full intercept–resend round: QBER %.1f %%, link %s.", status.qber() * 100, status.state()))));
    }

    public void reset() {
        runCommand("Reset System", resetRunning, client -> {
            client.reset();
            return client.linkStatus();
        }, status -> notice.set(OperatorNotice.info("System reset", "Keys and counters cleared, eavesdropper off.")));
    }

    /**
     * Switches the persistent eavesdropper at the KMS. While a request runs, the newest wish is
     * kept and sent afterwards, so a quick flick of the slider ends at the value the operator left.
     */
    public void applyEve(boolean active, double interceptRate) {
        if (eveRunning.get()) {
            pendingEve = new double[] {active ? 1 : 0, interceptRate};
            return;
        }
        runCommand(active ? "Eve on" : "Eve off", eveRunning, client -> {
            client.setEve(active, interceptRate);
            return client.linkStatus();
        }, status -> {
            double[] next = pendingEve;
            pendingEve = null;
            if (next != null) {
                applyEve(next[0] == 1, next[1]);
            }
        });
    }

    /**
     * Asks the KMS for an enrollment string for {@code deviceId}, off the FX thread; exactly one of
     * the callbacks runs on the FX thread. The string holds a one-time code: it is shown, never logged.
     */
    public void createEnrollment(String deviceId, java.util.function.Consumer<JsonNode> shown,
                                 java.util.function.Consumer<String> failed) {
        KmsOperatorClient client = kms;
        Task<JsonNode> task = new Task<>() {
            @Override
            protected JsonNode call() throws KmsCallException {
                return client.createEnrollment(deviceId);
            }
        };
        task.setOnSucceeded(e -> shown.accept(task.getValue()));
        task.setOnFailed(e -> failed.accept(describe(task.getException())));
        background.execute(task);
    }

    @FunctionalInterface
    private interface KmsWork {
        LinkStatus run(KmsOperatorClient client) throws KmsCallException;
    }

    private void runCommand(String title, ReadOnlyBooleanWrapper running, KmsWork work,
                            java.util.function.Consumer<LinkStatus> after) {
        if (running.get()) {
            return;
        }
        KmsOperatorClient client = kms;
        Task<LinkStatus> task = new Task<>() {
            @Override
            protected LinkStatus call() throws KmsCallException {
                updateTitle(title);
                return work.run(client);
            }
        };
        running.set(true);
        task.setOnSucceeded(e -> {
            if (client == kms) {
                applyStatus(task.getValue());
            }
            running.set(false);
            after.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            running.set(false);
            notice.set(OperatorNotice.failure(title + " failed", describe(task.getException())));
        });
        background.execute(task);
    }

    static String describe(Throwable error) {
        if (error instanceof KmsCallException || error instanceof IllegalArgumentException) {
            return error.getMessage();
        }
        return "Unexpected " + error.getClass().getSimpleName() + "; see the console log.";
    }

    // --- KMS event stream -----------------------------------------------------------------------

    private void connectKms() {
        int gen = generation.incrementAndGet();
        kms = new KmsOperatorClient(http, kmsUrl.get(), token);
        stream.set(StreamState.CONNECTING);
        offlineReason.set("connecting to " + kmsUrl.get() + " …");
        events = new KmsEventStream(http, kms, new KmsEventStream.Sink() {
            @Override
            public void connected() {
                onFx(gen, ConsoleModel.this::onStreamOpen);
            }

            @Override
            public void event(String type, JsonNode data) {
                onFx(gen, () -> onEvent(type, data));
            }

            @Override
            public void disconnected(String reason) {
                onFx(gen, () -> {
                    stream.set(StreamState.OFFLINE);
                    offlineReason.set(reason);
                });
            }
        });
        events.start();
    }

    private void onFx(int gen, Runnable action) {
        Platform.runLater(() -> {
            if (gen == generation.get()) {
                action.run();
            }
        });
    }

    private void onStreamOpen() {
        KmsOperatorClient client = kms;
        int gen = generation.get();
        Task<LinkStatus> seed = new Task<>() {
            @Override
            protected LinkStatus call() throws KmsCallException {
                updateTitle("Read link status");
                return client.linkStatus();
            }
        };
        seed.setOnSucceeded(e -> {
            if (gen == generation.get()) {
                applyStatus(seed.getValue());
                stream.set(StreamState.LIVE);
            }
        });
        seed.setOnFailed(e -> {
            if (gen == generation.get()) {
                offlineReason.set(describe(seed.getException()));
            }
        });
        background.execute(seed);
        loadAudit(client, gen);
    }

    private void loadAudit(KmsOperatorClient client, int gen) {
        Task<java.util.List<AuditEntry>> load = new Task<>() {
            @Override
            protected java.util.List<AuditEntry> call() throws KmsCallException {
                updateTitle("Read audit log");
                return client.recentAudit(100);
            }
        };
        load.setOnSucceeded(e -> {
            if (gen == generation.get()) {
                java.util.Set<Long> known = new java.util.HashSet<>();
                load.getValue().forEach(a -> known.add(a.id()));
                // Entries streamed while the log was loading are newer than it; keep them on top.
                java.util.List<AuditEntry> streamed = audit.stream().filter(a -> !known.contains(a.id())).toList();
                audit.setAll(streamed);
                audit.addAll(load.getValue());
                trimAudit();
            }
        });
        load.setOnFailed(e -> {
            if (gen == generation.get()) {
                notice.set(OperatorNotice.failure("Audit log unavailable", describe(load.getException())));
            }
        });
        background.execute(load);
    }

    void onEvent(String type, JsonNode data) {
        switch (type) {
            case "status" -> {
                if (data.has("total_keys_issued")) {
                    applyStatus(LinkStatus.fromJson(data));
                } else {
                    if (data.has("status")) {
                        kmsState.set(LinkState.fromKms(data.path("status").asText()));
                    }
                    if (data.has("qber")) {
                        qber.set(data.path("qber").asDouble());
                    }
                    refreshStatusSoon();
                }
                if (haveStatus) {
                    stream.set(StreamState.LIVE);
                }
            }
            case "round" -> onRound(data);
            case "key" -> refreshStatusSoon();
            case "eve" -> {
                eveRate.set(data.path("eve_intercept_rate").asDouble(eveRate.get()));
                eveActive.set(data.path("eve_active").asBoolean(eveActive.get()));
            }
            case "audit" -> addAudit(AuditEntry.fromJson(data));
            case "router" -> {
                routerHeartbeat.set(RouterHeartbeat.fromJson(data, Instant.now()));
                refreshRouterSignal(Instant.now());
            }
            default -> { } // newer KMS event types are ignored by this console version
        }
    }

    private void onRound(JsonNode data) {
        RoundSample sample = RoundSample.fromJson(data, keyRateBps.get());
        round.set(sample.round());
        lastRoundQber.set(sample.qber());
        keyRateBps.set(sample.keyRateBps());
        if (data.has("pool_bits")) {
            poolBits.set(data.path("pool_bits").asLong());
        } else if (System.nanoTime() - lastStatusRead > STATUS_REFRESH_NANOS) {
            // Round events carry no pool size or key rate; those come with a status read, at most every 2 s.
            refreshStatusSoon();
        }
        // A latched RED keeps showing the breach QBER on the gauge (DESIGN §4); history stays live.
        if (kmsState.get() != LinkState.RED) {
            qber.set(sample.qber());
        }
        latestRound.set(sample);
    }

    private void applyStatus(LinkStatus status) {
        haveStatus = true;
        lastStatusRead = System.nanoTime();
        kmsState.set(status.state());
        qber.set(status.qber());
        lastRoundQber.set(status.lastRoundQber());
        keysIssued.set(status.keysIssued());
        attacksDetected.set(status.attacksDetected());
        activeSessions.set(status.activeSessions());
        poolBits.set(status.poolBits());
        keyRateBps.set(status.keyRateBps());
        round.set(status.round());
        eveRate.set(status.eveRate());
        eveActive.set(status.eveActive());
        refreshLamp();
    }

    private void refreshStatusSoon() {
        if (statusRefreshPending) {
            return;
        }
        statusRefreshPending = true;
        KmsOperatorClient client = kms;
        int gen = generation.get();
        Task<LinkStatus> refresh = new Task<>() {
            @Override
            protected LinkStatus call() throws Exception {
                updateTitle("Refresh link status");
                Thread.sleep(100); // coalesce a burst of key events into one read
                return client.linkStatus();
            }
        };
        refresh.setOnSucceeded(e -> {
            statusRefreshPending = false;
            if (gen == generation.get()) {
                applyStatus(refresh.getValue());
            }
        });
        refresh.setOnFailed(e -> statusRefreshPending = false);
        background.execute(refresh);
    }

    private void addAudit(AuditEntry entry) {
        if (entry.id() != 0 && audit.stream().anyMatch(a -> a.id() == entry.id())) {
            return;
        }
        audit.addFirst(entry);
        trimAudit();
    }

    private void trimAudit() {
        if (audit.size() > AUDIT_CAPACITY) {
            audit.remove(AUDIT_CAPACITY, audit.size());
        }
    }

    private void refreshLamp() {
        lamp.set(stream.get() == StreamState.LIVE && haveStatus ? kmsState.get() : LinkState.OFFLINE);
    }

    void refreshRouterSignal(Instant now) {
        RouterHeartbeat beat = routerHeartbeat.get();
        if (beat == null) {
            routerSignal.set("NO SIGNAL");
            routerDetail.set("no heartbeat received yet");
            return;
        }
        long age = Math.max(0, Duration.between(beat.receivedAt(), now).toSeconds());
        boolean stale = Duration.between(beat.receivedAt(), now).compareTo(ROUTER_STALE_AFTER) > 0;
        routerSignal.set(stale ? "NO SIGNAL" : beat.state());
        routerDetail.set(beat.routerId() + " · last heartbeat " + age + " s ago" + (stale ? " (was " + beat.state() + ")" : ""));
    }

    // --- properties -----------------------------------------------------------------------------

    public ReadOnlyObjectProperty<HttpUrl> kmsUrlProperty() { return kmsUrl.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<HttpUrl> relayUrlProperty() { return relayUrl.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<StreamState> streamProperty() { return stream.getReadOnlyProperty(); }
    public ReadOnlyStringProperty offlineReasonProperty() { return offlineReason.getReadOnlyProperty(); }
    /** What the link lamp shows: the KMS state while live, OFFLINE otherwise. */
    public ReadOnlyObjectProperty<LinkState> lampProperty() { return lamp.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<LinkState> kmsStateProperty() { return kmsState.getReadOnlyProperty(); }
    /** The QBER the gauge shows (fraction); while RED is latched, the breach round's value. */
    public ReadOnlyDoubleProperty qberProperty() { return qber.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty lastRoundQberProperty() { return lastRoundQber.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty keyRateBpsProperty() { return keyRateBps.getReadOnlyProperty(); }
    public ReadOnlyLongProperty keysIssuedProperty() { return keysIssued.getReadOnlyProperty(); }
    public ReadOnlyLongProperty attacksDetectedProperty() { return attacksDetected.getReadOnlyProperty(); }
    public ReadOnlyLongProperty activeSessionsProperty() { return activeSessions.getReadOnlyProperty(); }
    public ReadOnlyLongProperty poolBitsProperty() { return poolBits.getReadOnlyProperty(); }
    public ReadOnlyLongProperty roundProperty() { return round.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty eveActiveProperty() { return eveActive.getReadOnlyProperty(); }
    /** The eavesdropper's intercept rate as the KMS reports it (0 when off). */
    public ReadOnlyDoubleProperty eveRateProperty() { return eveRate.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RoundSample> latestRoundProperty() { return latestRound.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RouterHeartbeat> routerHeartbeatProperty() { return routerHeartbeat.getReadOnlyProperty(); }
    /** BLOCKING, ALLOWING or NO SIGNAL (no heartbeat within {@link #ROUTER_STALE_AFTER}). */
    public ReadOnlyStringProperty routerSignalProperty() { return routerSignal.getReadOnlyProperty(); }
    public ReadOnlyStringProperty routerDetailProperty() { return routerDetail.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RelayStats> relayStatsProperty() { return relayStats.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty relayReachableProperty() { return relayReachable.getReadOnlyProperty(); }
    /** The audit log, newest first. */
    public ObservableList<AuditEntry> auditEntries() { return auditView; }
    public ReadOnlyBooleanProperty forceAttackRunningProperty() { return forceAttackRunning.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty resetRunningProperty() { return resetRunning.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty eveRunningProperty() { return eveRunning.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<OperatorNotice> noticeProperty() { return notice.getReadOnlyProperty(); }
}
