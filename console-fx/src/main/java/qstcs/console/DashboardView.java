package qstcs.console;

import eu.hansolo.tilesfx.Tile;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import qstcs.client.RelayStats;

/**
 * The "Link" tab: the tile grid on the left, operator controls and the event timeline on the
 * right. It binds tiles to the {@link ConsoleModel}; while the KMS is unreachable the whole grid
 * is dimmed through the {@code :offline} pseudo-class so stale numbers cannot be mistaken for live ones.
 */
final class DashboardView extends HBox {
    private static final PseudoClass OFFLINE = PseudoClass.getPseudoClass("offline");
    static final double SIDE_WIDTH = 340;
    /** What the two history tiles show: the newest part of the history the Trends tab draws. */
    static final java.time.Duration HISTORY_SPAN = java.time.Duration.ofMinutes(5);
    private static final String QBER_TITLE = "QBER · last 5 min (%)";
    private static final String KEY_RATE_TITLE = "SECRET KEY RATE · last 5 min (kbit/s)";

    final Tile lamp = DashboardTiles.linkLamp();
    final Tile gauge = DashboardTiles.qberGauge();
    final TrendChart qberChart = TrendChart.qber(null);
    final TrendChart keyRateChart = TrendChart.keyRate(null);
    final Tile qberHistory = DashboardTiles.history(QBER_TITLE, qberChart.chart);
    final Tile keyRateHistory = DashboardTiles.history(KEY_RATE_TITLE, keyRateChart.chart);
    final ReadingView keysIssuedReading = new ReadingView("keys", "issued since the last reset");
    final ReadingView attacksReading = new ReadingView("breaches", "QBER ≥ 11 % or forced, since the last reset");
    final ReadingView sessionsReading = new ReadingView("pairs", "device pairs holding a key");
    final ReadingView poolReading = new ReadingView("kbit", "secret bits ready for keys");
    final ReadingView relayReading = new ReadingView("online", "devices connected to the relay");
    final Label relayState = new Label();
    final Tile keysIssued = DashboardTiles.reading("KEYS ISSUED", keysIssuedReading);
    final Tile attacks = DashboardTiles.reading("ATTACKS DETECTED", attacksReading);
    final Tile sessions = DashboardTiles.reading("ACTIVE SESSIONS", sessionsReading);
    final Tile pool = DashboardTiles.reading("KEY POOL", poolReading);
    final Tile relay;
    final Label routerState = new Label();
    final Label routerDetail = new Label();
    final Tile router;
    /** The grid of tiles; other views may add to it. */
    final GridPane grid = new GridPane();
    /** The right-hand column (operator controls, event timeline); other views may add to it. */
    final VBox side;

    DashboardView(ConsoleModel model, ControlsPane controls, EventTimeline timeline) {
        getStyleClass().add("dashboard");
        setSpacing(10);
        setPadding(new Insets(10));
        lamp.setId("linkLamp");
        gauge.setId("qberGauge");
        qberHistory.setId("qberHistory");
        keyRateHistory.setId("keyRateHistory");
        qberChart.chart.setId("qberHistoryChart");
        keyRateChart.chart.setId("keyRateHistoryChart");
        keysIssued.setId("keysIssued");
        attacks.setId("attacksDetected");
        sessions.setId("activeSessions");
        pool.setId("keyPool");

        relayState.setId("relayState");
        relayState.getStyleClass().add("source-state");
        relayState.setWrapText(true);
        relayReading.getChildren().add(1, relayState);
        relay = DashboardTiles.reading("RELAY", relayReading);
        relay.setId("relayTile");

        routerState.setId("routerState");
        routerState.getStyleClass().add("router-state");
        routerState.setWrapText(true);
        routerDetail.getStyleClass().add("router-detail");
        routerDetail.setWrapText(true);
        VBox routerContent = new VBox(6, routerState, routerDetail);
        routerContent.getStyleClass().add("router-content");
        router = DashboardTiles.routerGuard(routerContent);
        router.setId("routerTile");

        grid.getStyleClass().add("tile-grid");
        grid.setHgap(10);
        grid.setVgap(10);
        for (int c = 0; c < 4; c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(25);
            cc.setFillWidth(true);
            grid.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < 3; r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(100.0 / 3);
            rc.setFillHeight(true);
            grid.getRowConstraints().add(rc);
        }
        grid.add(lamp, 0, 0);
        grid.add(gauge, 1, 0);
        grid.add(qberHistory, 2, 0, 2, 1);
        grid.add(keysIssued, 0, 1);
        grid.add(attacks, 1, 1);
        grid.add(sessions, 2, 1);
        grid.add(pool, 3, 1);
        grid.add(keyRateHistory, 0, 2, 2, 1);
        grid.add(router, 2, 2);
        grid.add(relay, 3, 2);
        grid.getChildren().forEach(n -> {
            ((Tile) n).setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
            ((Tile) n).setMinSize(140, 140);
        });
        HBox.setHgrow(grid, Priority.ALWAYS);

        Tile controlsTile = DashboardTiles.controls(controls);
        controlsTile.setId("controlsTile");
        controlsTile.setMinHeight(270);
        controlsTile.setPrefHeight(270);
        Tile timelineTile = DashboardTiles.eventTimeline(timeline);
        timelineTile.setId("timelineTile");
        timelineTile.setMaxHeight(Double.MAX_VALUE);
        side = new VBox(10, controlsTile, timelineTile);
        VBox.setVgrow(timelineTile, Priority.ALWAYS);
        side.setMinWidth(SIDE_WIDTH);
        side.setPrefWidth(SIDE_WIDTH);
        side.setMaxWidth(SIDE_WIDTH);
        getChildren().addAll(grid, side);

        bind(model);
    }

    private void bind(ConsoleModel model) {
        model.lampProperty().addListener((obs, old, state) -> showLamp(model, state));
        model.qberProperty().addListener((obs, old, q) -> {
            gauge.setValue(q.doubleValue() * 100);
            showLamp(model, model.lampProperty().get());
        });
        model.latestRoundProperty().addListener((obs, old, round) -> {
            if (round != null) {
                qberHistory.setTitle(qberTitle(model.lampProperty().get(), model.qberProperty().get(), round.qber()));
                keyRateHistory.setTitle(String.format("%s · now %.1f", KEY_RATE_TITLE, round.keyRateBps() / 1000));
            }
        });
        for (javafx.beans.Observable o : new javafx.beans.Observable[] {model.kmsAgeProperty(), model.keysIssuedProperty(),
                model.attacksDetectedProperty(), model.activeSessionsProperty(), model.poolBitsProperty(),
                model.lastRoundKeyBitsProperty(), model.lampProperty()}) {
            o.addListener(x -> showLinkFigures(model));
        }
        for (javafx.beans.Observable o : new javafx.beans.Observable[] {model.relayUrlProperty(), model.relayStatsProperty(),
                model.relayReachableProperty(), model.relayProblemProperty(), model.relayAgeProperty()}) {
            o.addListener(x -> showRelay(model));
        }
        model.routerSignalProperty().addListener((obs, old, s) -> showRouter(s));
        routerDetail.textProperty().bind(model.routerDetailProperty());
        showRouter(model.routerSignalProperty().get());
        showLinkFigures(model);
        showRelay(model);
        model.streamProperty().addListener((obs, old, s) ->
                grid.pseudoClassStateChanged(OFFLINE, s != ConsoleModel.StreamState.LIVE));
        grid.pseudoClassStateChanged(OFFLINE, true);
        showLamp(model, model.lampProperty().get());
        javafx.animation.Timeline redraw = new javafx.animation.Timeline(new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(1), e -> redrawHistory(model, java.time.Instant.now())));
        redraw.setCycleCount(javafx.animation.Animation.INDEFINITE);
        redraw.play();
        redrawHistory(model, java.time.Instant.now());
    }

    /**
     * Redraws both history tiles from the console's link history (the Trends tab's data) for the
     * last {@link #HISTORY_SPAN}: the time axis moves with the clock even when no round arrives,
     * so an outage shows as a gap, not as a frozen line. Skipped while the Link tab is hidden.
     */
    void redrawHistory(ConsoleModel model, java.time.Instant now) {
        if (!showing()) {
            return;
        }
        java.time.Instant from = now.minus(HISTORY_SPAN);
        qberChart.draw(model.trends.samples(), model.trends.markers(), from, now);
        keyRateChart.draw(model.trends.samples(), model.trends.markers(), from, now);
    }

    private boolean showing() {
        for (javafx.scene.Node n = this; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return getScene() != null;
    }

    private void showLamp(ConsoleModel model, LinkState state) {
        lamp.setActiveColor(DashboardTiles.colorOf(state));
        // Shape and word on top, the meaning below: readable without telling the colours apart.
        lamp.setDescription(state.shapeAndName());
        lamp.setDescriptionColor(DashboardTiles.colorOf(state));
        lamp.setText(state == LinkState.OFFLINE ? "KMS unreachable · simulated link"
                : String.format("%s · QBER %.1f %%", state.meaning(), model.qberProperty().get() * 100));
    }

    /** The QBER history's title agrees with the gauge: while RED it names the breach value the gauge holds. */
    static String qberTitle(LinkState lamp, double gaugeQber, double lastRoundQber) {
        return lamp == LinkState.RED
                ? String.format("%s · RED at %.1f %% (last round %.1f %%)", QBER_TITLE, gaugeQber * 100, lastRoundQber * 100)
                : String.format("%s · now %.1f %%", QBER_TITLE, lastRoundQber * 100);
    }

    private void showLinkFigures(ConsoleModel model) {
        ValueAge age = model.kmsAgeProperty().get();
        java.time.Instant at = model.kmsReceivedAtProperty().get();
        keysIssuedReading.show(Long.toString(model.keysIssuedProperty().get()), age, at);
        keysIssuedReading.unit.setText(model.keysIssuedProperty().get() == 1 ? "key" : "keys");
        attacksReading.show(Long.toString(model.attacksDetectedProperty().get()), age, at);
        attacksReading.unit.setText(model.attacksDetectedProperty().get() == 1 ? "breach" : "breaches");
        sessionsReading.show(Long.toString(model.activeSessionsProperty().get()), age, at);
        sessionsReading.unit.setText(model.activeSessionsProperty().get() == 1 ? "pair" : "pairs");
        long poolBits = model.poolBitsProperty().get();
        // From 1000 kbit on in Mbit: "1048.6" would not fit the tile on a laptop screen and end in "…".
        boolean mbit = poolBits >= 1_000_000;
        poolReading.show(mbit ? String.format("%.2f", poolBits / 1e6) : String.format("%.1f", poolBits / 1000.0), age, at);
        poolReading.unit.setText(mbit ? "Mbit" : "kbit");
        boolean draining = model.lastRoundKeyBitsProperty().get() == 0 && model.lampProperty().get() != LinkState.RED
                && age == ValueAge.FRESH;
        poolReading.describe(draining ? "▼ draining: rounds add no key now; keys are drawn from what is left"
                : "secret bits ready for keys");
        gauge.setValueVisible(age != ValueAge.NEVER);
        gauge.setValueColor(age == ValueAge.FRESH ? DashboardTiles.TEXT : DashboardTiles.MUTED);
        gauge.setDescription(age == ValueAge.NEVER ? "no reading yet"
                : age == ValueAge.STALE && at != null ? ValueAge.lastUpdate(at, java.time.ZoneId.systemDefault()) : "");
    }

    private void showRelay(ConsoleModel model) {
        RelayStats stats = model.relayStatsProperty().get();
        ValueAge age = model.relayAgeProperty().get();
        relayReading.show(stats == null ? null : Integer.toString(stats.onlineDevices()), stats == null ? ValueAge.NEVER : age,
                model.relayReceivedAtProperty().get());
        String problem = model.relayProblemProperty().get();
        String state;
        boolean configured = model.relayUrlProperty().get() != null;
        if (!configured) {
            state = "○ NOT CONFIGURED · no relay URL given (--relay); relay figures are not watched";
        } else if (model.relayReachableProperty().get() && stats != null) {
            state = "● CONNECTED · relay sees link " + stats.linkStatus() + " · " + stats.queuedFrames() + " queued";
        } else if (!problem.isEmpty()) {
            state = "✕ UNREACHABLE · " + problem;
        } else {
            state = "◌ CONNECTING · first poll of " + model.relayUrlProperty().get() + "stats";
        }
        relayState.setText(state);
        relayState.pseudoClassStateChanged(PseudoClass.getPseudoClass("bad"), state.startsWith("✕"));
        relayState.pseudoClassStateChanged(PseudoClass.getPseudoClass("unconfigured"), !configured);
        relay.setText(state);
        relayReading.describe(!configured ? "no relay watched by this console" : stats == null ? "devices connected to the relay"
                : "devices connected · " + stats.messagesRelayed() + " messages relayed");
    }

    private void showRouter(String signal) {
        routerState.setText(switch (signal) {
            case "BLOCKING" -> "■ BLOCKING";
            case "ALLOWING" -> "● ALLOWING";
            case ConsoleProperties.NO_SIGNAL -> "▲ NO SIGNAL";
            case ConsoleProperties.NO_ROUTER -> "○ NO ROUTER";
            default -> signal;
        });
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("blocking"), "BLOCKING".equals(signal));
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("allowing"), "ALLOWING".equals(signal));
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("silent"), ConsoleProperties.NO_SIGNAL.equals(signal));
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("unconfigured"), ConsoleProperties.NO_ROUTER.equals(signal));
    }
}
