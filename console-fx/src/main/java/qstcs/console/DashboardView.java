package qstcs.console;

import eu.hansolo.tilesfx.Tile;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import qstcs.client.RelayStats;

/**
 * The "Link" tab: the tile grid on the left, operator controls and the event timeline on the
 * right. It binds tiles to the {@link ConsoleModel}; while the KMS is unreachable the whole grid
 * is dimmed through the {@code :offline} pseudo-class so stale numbers cannot be mistaken for live ones.
 */
final class DashboardView extends HBox {
    private static final PseudoClass OFFLINE = PseudoClass.getPseudoClass("offline");
    static final double SIDE_WIDTH = 340;
    private static final String QBER_TITLE = "QBER HISTORY · last 3 min (%)";
    private static final String KEY_RATE_TITLE = "SECRET KEY RATE · last 3 min (kbit/s)";

    final Tile lamp = DashboardTiles.linkLamp();
    final Tile gauge = DashboardTiles.qberGauge();
    final XYChart.Series<String, Number> qberSeries = new XYChart.Series<>();
    final XYChart.Series<String, Number> keyRateSeries = new XYChart.Series<>();
    final Tile qberHistory = DashboardTiles.history(QBER_TITLE, qberSeries, DashboardTiles.GREEN);
    final Tile keyRateHistory = DashboardTiles.history(KEY_RATE_TITLE, keyRateSeries, Color.web("#4fc3f7"));
    final Tile keysIssued = DashboardTiles.counter("KEYS ISSUED", "keys", "since the last reset");
    final Tile attacks = DashboardTiles.counter("ATTACKS DETECTED", "breaches", "QBER ≥ 11 % or forced");
    final Tile sessions = DashboardTiles.counter("ACTIVE SESSIONS", "pairs", "device pairs holding a key");
    final Tile pool = DashboardTiles.keyPool();
    final Tile relay = DashboardTiles.relay();
    final Label routerState = new Label("NO SIGNAL");
    final Label routerDetail = new Label();
    final Tile router;

    DashboardView(ConsoleModel model, ControlsPane controls, EventTimeline timeline) {
        getStyleClass().add("dashboard");
        setSpacing(10);
        setPadding(new Insets(10));
        lamp.setId("linkLamp");
        gauge.setId("qberGauge");
        qberHistory.setId("qberHistory");
        keyRateHistory.setId("keyRateHistory");
        keysIssued.setId("keysIssued");
        attacks.setId("attacksDetected");
        sessions.setId("activeSessions");
        pool.setId("keyPool");
        relay.setId("relayTile");

        routerState.setId("routerState");
        routerState.getStyleClass().add("router-state");
        routerDetail.getStyleClass().add("router-detail");
        routerDetail.setWrapText(true);
        VBox routerContent = new VBox(6, routerState, routerDetail);
        routerContent.getStyleClass().add("router-content");
        router = DashboardTiles.routerGuard(routerContent);
        router.setId("routerTile");

        GridPane grid = new GridPane();
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
            ((Tile) n).setMinSize(150, 150);
        });
        HBox.setHgrow(grid, Priority.ALWAYS);

        Tile controlsTile = DashboardTiles.controls(controls);
        controlsTile.setId("controlsTile");
        controlsTile.setMinHeight(270);
        controlsTile.setPrefHeight(270);
        Tile timelineTile = DashboardTiles.eventTimeline(timeline);
        timelineTile.setId("timelineTile");
        timelineTile.setMaxHeight(Double.MAX_VALUE);
        VBox side = new VBox(10, controlsTile, timelineTile);
        VBox.setVgrow(timelineTile, Priority.ALWAYS);
        side.setMinWidth(SIDE_WIDTH);
        side.setPrefWidth(SIDE_WIDTH);
        side.setMaxWidth(SIDE_WIDTH);
        getChildren().addAll(grid, side);

        bind(model, grid);
    }

    private void bind(ConsoleModel model, GridPane grid) {
        model.lampProperty().addListener((obs, old, state) -> showLamp(model, state));
        model.qberProperty().addListener((obs, old, q) -> {
            gauge.setValue(q.doubleValue() * 100);
            showLamp(model, model.lampProperty().get());
        });
        model.latestRoundProperty().addListener((obs, old, round) -> {
            if (round != null) {
                String x = Long.toString(round.round());
                append(qberSeries, x, round.qber() * 100);
                append(keyRateSeries, x, round.keyRateBps() / 1000);
                qberHistory.setTitle(String.format("%s · now %.1f %%", QBER_TITLE, round.qber() * 100));
                keyRateHistory.setTitle(String.format("%s · now %.1f", KEY_RATE_TITLE, round.keyRateBps() / 1000));
            }
        });
        model.keysIssuedProperty().addListener((obs, old, n) -> keysIssued.setValue(n.doubleValue()));
        model.attacksDetectedProperty().addListener((obs, old, n) -> attacks.setValue(n.doubleValue()));
        model.activeSessionsProperty().addListener((obs, old, n) -> sessions.setValue(n.doubleValue()));
        model.poolBitsProperty().addListener((obs, old, n) -> pool.setValue(n.doubleValue() / 1000));
        model.relayStatsProperty().addListener((obs, old, stats) -> showRelay(model));
        model.relayReachableProperty().addListener((obs, old, up) -> showRelay(model));
        routerState.textProperty().bind(model.routerSignalProperty());
        routerDetail.textProperty().bind(model.routerDetailProperty());
        model.routerSignalProperty().addListener((obs, old, s) -> showRouter(s));
        showRouter(model.routerSignalProperty().get());
        model.streamProperty().addListener((obs, old, s) ->
                grid.pseudoClassStateChanged(OFFLINE, s != ConsoleModel.StreamState.LIVE));
        grid.pseudoClassStateChanged(OFFLINE, true);
        showLamp(model, model.lampProperty().get());
    }

    private static void append(XYChart.Series<String, Number> series, String x, double y) {
        series.getData().add(new XYChart.Data<>(x, y));
        if (series.getData().size() > DashboardTiles.HISTORY_POINTS) {
            series.getData().remove(0, series.getData().size() - DashboardTiles.HISTORY_POINTS);
        }
    }

    private void showLamp(ConsoleModel model, LinkState state) {
        lamp.setActiveColor(DashboardTiles.colorOf(state));
        lamp.setDescription(state.name());
        lamp.setDescriptionColor(DashboardTiles.colorOf(state));
        lamp.setText(state == LinkState.OFFLINE ? "KMS unreachable · simulated link"
                : String.format("QBER %.1f %% · simulated link", model.qberProperty().get() * 100));
    }

    private void showRelay(ConsoleModel model) {
        RelayStats stats = model.relayStatsProperty().get();
        if (!model.relayReachableProperty().get()) {
            relay.setText("relay unreachable");
            relay.setTextColor(DashboardTiles.RED);
        } else if (stats != null) {
            relay.setText("relay sees link " + stats.linkStatus() + " · " + stats.queuedFrames() + " queued");
            relay.setTextColor(DashboardTiles.MUTED);
        }
        if (stats != null) {
            relay.setValue(stats.onlineDevices());
            relay.setDescription("messages relayed: " + stats.messagesRelayed());
        }
    }

    private void showRouter(String signal) {
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("blocking"), "BLOCKING".equals(signal));
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("allowing"), "ALLOWING".equals(signal));
        routerState.pseudoClassStateChanged(PseudoClass.getPseudoClass("silent"), "NO SIGNAL".equals(signal));
    }
}
