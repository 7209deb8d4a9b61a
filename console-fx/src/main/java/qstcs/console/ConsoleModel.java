package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import qstcs.client.OperatorToken;
import qstcs.client.RelayStatsClient;

/**
 * The SOC console's model: the shown properties ({@link ConsoleProperties}), fed by the KMS event
 * stream ({@link KmsFeed}) and the relay's polled {@code /stats}, and the operator's commands
 * ({@link OperatorCommands}). This class wires them and owns their life cycle. Create it on the FX
 * thread; all network calls run in named background tasks.
 */
public final class ConsoleModel extends ConsoleProperties implements AutoCloseable {
    private final OkHttpClient http;
    private final ExecutorService background;
    private final Timeline clock;
    private final RelayStatsService relayService;
    private final KmsFeed feed;
    private final OperatorCommands commands;
    private final BoardCommands board;
    private final Optional<OperatorToken> token;

    public ConsoleModel(OkHttpClient http, HttpUrl kmsBase, HttpUrl relayBase, Optional<OperatorToken> token) {
        this(http, kmsBase, Optional.of(relayBase), token);
    }

    /** @param relayBase the relay whose {@code /stats} the console polls, or empty when it watches no relay */
    public ConsoleModel(OkHttpClient http, HttpUrl kmsBase, Optional<HttpUrl> relayBase, Optional<OperatorToken> token) {
        this.http = http;
        this.token = token;
        // Work handed in after close() (e.g. a relay poll already scheduled) is dropped, not an error.
        this.background = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "console-operator");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        this.feed = new KmsFeed(http, token, background, this);
        this.commands = new OperatorCommands(feed, background, this);
        this.board = new BoardCommands(feed, background);
        trends.rangeProperty().addListener((obs, old, range) -> feed.loadHistory());
        kmsUrl.set(kmsBase);
        relayUrl.set(relayBase.orElse(null));
        relayService = new RelayStatsService(relayBase.map(r -> new RelayStatsClient(http, r, token)).orElse(null));
        relayService.setExecutor(background);
        relayService.setOnSucceeded(e -> {
            RelayStatsService.Poll poll = relayService.getValue();
            if (poll == null) {
                return;
            }
            if (poll.answered()) {
                relayAnswered(poll.stats(), Instant.now());
            } else {
                relayFailed(poll.problem(), Instant.now());
            }
        });
        clock = new Timeline(new KeyFrame(javafx.util.Duration.seconds(1), e -> {
            refreshRouterSignal(Instant.now());
            refreshAges(Instant.now());
        }));
        clock.setCycleCount(Timeline.INDEFINITE);
    }

    /** Alarms, devices, certificates and audit paging. */
    BoardCommands board() {
        return board;
    }

    public void start() {
        feed.connect(kmsUrl.get());
        if (relayUrl.get() != null) {
            relayService.start();
        }
        clock.play();
    }

    /** Points the console at other servers (the settings dialog); state from the old KMS is dropped. */
    public void reconnect(HttpUrl newKms, Optional<HttpUrl> newRelay) {
        if (!newKms.equals(kmsUrl.get())) {
            kmsUrl.set(newKms);
            forgetKms();
            feed.connect(newKms);
        }
        if (!newRelay.equals(Optional.ofNullable(relayUrl.get()))) {
            relayUrl.set(newRelay.orElse(null));
            relayStats.set(null);
            relayReachable.set(false);
            relayProblem.set("");
            relayReceivedAt.set(null);
            refreshAges(Instant.now());
            if (newRelay.isPresent()) {
                relayService.use(new RelayStatsClient(http, newRelay.get(), token));
            } else {
                relayService.cancel();
            }
        }
    }

    /**
     * Stops every thread the console started, including the HTTP client's (handed to this model,
     * which owns it): its dispatcher threads are not daemons and would keep the JVM alive for a
     * minute after the last window closed.
     */
    @Override
    public void close() {
        feed.stop();
        clock.stop();
        relayService.cancel();
        background.shutdownNow();
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdownNow();
        http.connectionPool().evictAll();
    }

    /** Forces an attack; {@code reason} (may be blank) goes to the KMS audit log with the operator. */
    public void forceAttack(String reason) {
        commands.forceAttack(reason);
    }

    /** Resets the link; {@code reason} (may be blank) goes to the KMS audit log with the operator. */
    public void reset(String reason) {
        commands.reset(reason);
    }

    /** Switches the persistent eavesdropper; a quick flick of the slider ends at the value left. */
    public void applyEve(boolean active, double interceptRate) {
        commands.applyEve(active, interceptRate);
    }

    /**
     * Asks the KMS for an enrollment string for {@code deviceId}, off the FX thread; exactly one of
     * the callbacks runs on the FX thread. The string holds a one-time code: it is shown, never logged.
     */
    public void createEnrollment(String deviceId, Consumer<JsonNode> shown, Consumer<String> failed) {
        commands.createEnrollment(deviceId, shown, failed);
    }
}
