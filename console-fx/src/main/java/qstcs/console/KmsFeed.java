package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.concurrent.Task;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import qstcs.client.AuditEntry;
import qstcs.client.ClientException;
import qstcs.client.KmsEventStream;
import qstcs.client.KmsOperatorClient;
import qstcs.client.OperatorToken;
import qstcs.crypto.link.LinkStatus;

/**
 * What the console learns from the KMS: the event stream (status, rounds, keys, the eavesdropper,
 * audit entries, router heartbeats) turned into the shown properties, a status read to seed it and
 * after bursts of key events, and the audit log loaded once per connection. Every connection has a
 * generation; whatever an older one reports after a reconnect is dropped.
 */
final class KmsFeed {
    private static final long STATUS_REFRESH_NANOS = 2_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OkHttpClient http;
    private final Optional<OperatorToken> token;
    private final Executor background;
    private final ConsoleProperties shown;
    private volatile int generation;
    private KmsOperatorClient kms;
    private KmsEventStream events;
    /** Streams opened so far (FX thread): only the newest one's first status read is retried. */
    private int streamsOpened;
    private boolean statusRefreshPending;
    private long lastStatusRead = System.nanoTime();
    /**
     * The version of the reading shown, or -1 before this stream's first. A reading fetched over
     * HTTP may arrive after a newer one from the stream (a refresh started before a reset and
     * answered after it); it must not put the older state back. FX thread only.
     */
    private long shownVersion = -1;

    KmsFeed(OkHttpClient http, Optional<OperatorToken> token, Executor background, ConsoleProperties shown) {
        this.http = http;
        this.token = token;
        this.background = background;
        this.shown = shown;
    }

    /** The operator client of the current KMS (commands use it too). */
    KmsOperatorClient kms() {
        return kms;
    }

    /** Follows the KMS at {@code base}, dropping the stream of the one before. */
    void connect(HttpUrl base) {
        stop();
        int gen = ++generation;
        kms = new KmsOperatorClient(http, base, token);
        shown.stream.set(ConsoleProperties.StreamState.CONNECTING);
        shown.offlineReason.set("connecting to " + base + " …");
        events = new KmsEventStream(http, kms, new KmsEventStream.Sink() {
            @Override
            public void connected() {
                onFx(gen, KmsFeed.this::onStreamOpen);
            }

            @Override
            public void event(String type, String data) {
                onFx(gen, () -> onEvent(type, data));
            }

            @Override
            public void disconnected(String reason) {
                onFx(gen, () -> {
                    if (shown.stream.get() == ConsoleProperties.StreamState.LIVE) {
                        shown.trends.mark(new LinkTrends.Marker(Instant.now(), "outage", "console lost the KMS: " + reason));
                    }
                    shown.stream.set(ConsoleProperties.StreamState.OFFLINE);
                    shown.offlineReason.set(reason);
                });
            }
        });
        events.start();
    }

    /** Stops the stream; whatever is still under way reports to nobody. May be called from any thread. */
    void stop() {
        generation++;
        if (events != null) {
            events.close();
            events = null;
        }
    }

    /** A reading a command brought back, shown if it came from the KMS the console follows now. */
    void commandRead(KmsOperatorClient from, LinkStatus status) {
        if (from == kms) {
            showUnlessOlder(status);
        }
    }

    /** A reading from the event stream, which delivers them in order. */
    private void show(LinkStatus status) {
        lastStatusRead = System.nanoTime();
        shownVersion = status.version();
        shown.show(status);
    }

    /** A reading fetched over HTTP: shown unless the stream has shown a newer one meanwhile. */
    private void showUnlessOlder(LinkStatus status) {
        if (status.version() >= shownVersion) {
            show(status);
        }
    }

    private boolean current(int gen) {
        return gen == generation;
    }

    private void onFx(int gen, Runnable action) {
        Platform.runLater(() -> {
            if (current(gen)) {
                action.run();
            }
        });
    }

    private void onStreamOpen() {
        KmsOperatorClient client = kms;
        int gen = generation;
        shownVersion = -1; // a new stream may come from a restarted KMS, whose versions start again
        seedStatus(client, gen, ++streamsOpened, 0);
        loadAudit(client, gen);
        loadAlarms(client, gen);
        loadHistory();
    }

    /**
     * The first full reading of a new stream, which makes it LIVE. A failed read (a slow first TLS
     * handshake, a KMS still starting) is tried again each second while the stream is current:
     * otherwise a stream that is up would stay short of LIVE until the next status event. A newer
     * stream of the same connection takes over the retries ({@code stream}).
     */
    private void seedStatus(KmsOperatorClient client, int gen, int stream, long afterMillis) {
        Task<LinkStatus> seed = statusRead(client, "Read link status", afterMillis);
        seed.setOnSucceeded(e -> {
            if (current(gen)) {
                showUnlessOlder(seed.getValue());
                shown.stream.set(ConsoleProperties.StreamState.LIVE);
            }
        });
        seed.setOnFailed(e -> {
            if (current(gen) && stream == streamsOpened) {
                shown.offlineReason.set(OperatorCommands.describe(seed.getException()));
                seedStatus(client, gen, stream, 1000);
            }
        });
        background.execute(seed);
    }

    /** Reads the alarm list (on connect, and after an acknowledgement elsewhere failed to arrive). */
    void loadAlarms(KmsOperatorClient client, int gen) {
        Task<JsonNode> load = new Task<>() {
            @Override
            protected JsonNode call() throws ClientException {
                updateTitle("Read alarms");
                return client.alarms();
            }
        };
        load.setOnSucceeded(e -> {
            if (current(gen)) {
                shown.alarms.loaded(load.getValue());
            }
        });
        background.execute(load);
    }

    /** Reads the KMS's history for the chosen range, so the charts open already drawn. */
    void loadHistory() {
        KmsOperatorClient client = kms;
        int gen = generation;
        if (client == null) {
            return;
        }
        String range = shown.trends.rangeProperty().get().wire;
        Task<JsonNode> load = new Task<>() {
            @Override
            protected JsonNode call() throws ClientException {
                updateTitle("Read link history");
                return client.history(range);
            }
        };
        load.setOnSucceeded(e -> {
            if (current(gen)) {
                shown.trends.loaded(load.getValue());
            }
        });
        background.execute(load);
    }

    private void loadAudit(KmsOperatorClient client, int gen) {
        Task<List<AuditEntry>> load = new Task<>() {
            @Override
            protected List<AuditEntry> call() throws ClientException {
                updateTitle("Read audit log");
                return client.recentAudit(100);
            }
        };
        load.setOnSucceeded(e -> {
            if (current(gen)) {
                shown.audit.loaded(load.getValue());
            }
        });
        load.setOnFailed(e -> {
            if (current(gen)) {
                shown.notice.set(OperatorNotice.failure("Audit log unavailable",
                        OperatorCommands.describe(load.getException())));
            }
        });
        background.execute(load);
    }

    /** One event of the stream, on the FX thread; a malformed one is skipped (the next carries the state again). */
    void onEvent(String type, String text) {
        JsonNode data;
        try {
            data = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (data == null || !data.isObject()) {
            return;
        }
        switch (type) {
            case "status" -> {
                if (data.has("total_keys_issued")) {
                    try {
                        show(LinkStatus.parse(text)); // a full reading: the one link-status parser reads it
                    } catch (IllegalArgumentException e) {
                        return;
                    }
                } else {
                    if (data.has("status")) {
                        shown.kmsState.set(LinkState.ofStatus(data.path("status").asText()));
                    }
                    if (data.has("qber")) {
                        shown.qber.set(data.path("qber").asDouble());
                    }
                    refreshStatusSoon();
                }
                if (shown.haveStatus()) {
                    shown.stream.set(ConsoleProperties.StreamState.LIVE);
                }
                if ("reset".equals(data.path("cause").asText())) {
                    shown.trends.mark(new LinkTrends.Marker(Instant.now(), "reset", "link reset"));
                }
            }
            case "round" -> onRound(data);
            case "key" -> refreshStatusSoon();
            case "alarm" -> {
                AlarmBoard.Alarm alarm;
                try {
                    alarm = AlarmBoard.Alarm.fromJson(data);
                } catch (RuntimeException e) {
                    return;
                }
                if (shown.alarms.update(alarm)) {
                    shown.trends.mark(new LinkTrends.Marker(alarm.raisedAt(), alarm.kind(), alarm.detail()));
                    shown.alarmsRaised.set(shown.alarmsRaised.get() + 1);
                }
            }
            case "eve" -> {
                boolean on = data.path("eve_active").asBoolean(false);
                if (on != shown.eveActive.get() || on) {
                    shown.trends.mark(new LinkTrends.Marker(Instant.now(), on ? "eve_on" : "eve_off",
                            on ? "intercept rate " + Math.round(data.path("eve_intercept_rate").asDouble() * 100) + " %" : "off"));
                }
                shown.eveRate.set(data.path("eve_intercept_rate").asDouble(shown.eveRate.get()));
                shown.eveActive.set(data.path("eve_active").asBoolean(shown.eveActive.get()));
            }
            case "audit" -> shown.audit.add(AuditEntry.fromJson(data));
            case "router" -> {
                shown.routerHeartbeat.set(RouterHeartbeat.fromJson(data, Instant.now()));
                shown.refreshRouterSignal(Instant.now());
            }
            default -> { } // newer KMS event types are ignored by this console version
        }
    }

    private void onRound(JsonNode data) {
        RoundSample sample = RoundSample.fromJson(data, shown.keyRateBps.get());
        shown.kmsReceived(Instant.now());
        if (data.has("key_bits")) {
            shown.lastRoundKeyBits.set(data.path("key_bits").asLong());
            shown.lastRoundReason.set(data.path("reason").asText(LinkStatus.NO_REASON));
        }
        shown.round.set(sample.round());
        shown.lastRoundQber.set(sample.qber());
        shown.keyRateBps.set(sample.keyRateBps());
        if (data.has("pool_bits")) {
            shown.poolBits.set(data.path("pool_bits").asLong());
        } else if (System.nanoTime() - lastStatusRead > STATUS_REFRESH_NANOS) {
            // Round events carry no pool size or key rate; those come with a status read, at most every 2 s.
            refreshStatusSoon();
        }
        // A latched RED keeps showing the breach QBER on the gauge; the history stays live.
        if (shown.kmsState.get() != LinkState.RED) {
            shown.qber.set(sample.qber());
        }
        shown.latestRound.set(sample);
        shown.trends.add(new LinkTrends.Sample(Instant.now(), sample.qber(), sample.keyRateBps(), shown.poolBits.get()));
    }

    private void refreshStatusSoon() {
        if (statusRefreshPending) {
            return;
        }
        statusRefreshPending = true;
        KmsOperatorClient client = kms;
        int gen = generation;
        // Waits a moment first, so that a burst of key events becomes one read.
        Task<LinkStatus> refresh = statusRead(client, "Refresh link status", 100);
        refresh.setOnSucceeded(e -> {
            statusRefreshPending = false;
            if (current(gen)) {
                showUnlessOlder(refresh.getValue());
            }
        });
        refresh.setOnFailed(e -> statusRefreshPending = false);
        background.execute(refresh);
    }

    private static Task<LinkStatus> statusRead(KmsOperatorClient client, String title, long afterMillis) {
        return new Task<>() {
            @Override
            protected LinkStatus call() throws Exception {
                updateTitle(title);
                if (afterMillis > 0) {
                    Thread.sleep(afterMillis);
                }
                return client.linkStatus();
            }
        };
    }
}
