package qstcs.console;

import java.time.Instant;
import java.util.List;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The monitoring board: QBER, key rate and key pool over time on a real time axis, for the last
 * 5 minutes, hour, or since the KMS started, each a {@link TrendChart} (fixed QBER scale with the
 * YELLOW and RED lines, markers for breaches, resets, Eve changes and outages); the value under
 * the mouse is shown. Redrawn at most once a second.
 */
final class TrendsView extends VBox {
    final TrendChart qber;
    final TrendChart keyRate;
    final TrendChart pool;
    final ToggleGroup range = new ToggleGroup();
    final Label hover = new Label("Point at a chart for its value");
    private final ConsoleModel model;
    private boolean dirty = true;

    TrendsView(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("trends-view");
        setSpacing(6);
        setPadding(new Insets(10));
        qber = TrendChart.qber("QBER (%)");
        qber.chart.setId("qberChart");
        keyRate = TrendChart.keyRate("Secret key rate (kbit/s)");
        keyRate.chart.setId("keyRateChart");
        pool = TrendChart.pool("Key pool (kbit)");
        pool.chart.setId("poolChart");

        HBox ranges = new HBox(4);
        ranges.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Range");
        ranges.getChildren().add(title);
        for (LinkTrends.Range r : LinkTrends.Range.values()) {
            ToggleButton b = new ToggleButton(r.label);
            b.setId("range-" + r.wire);
            b.setUserData(r);
            b.setToggleGroup(range);
            b.setSelected(r == model.trends.rangeProperty().get());
            ranges.getChildren().add(b);
        }
        range.selectedToggleProperty().addListener((obs, old, t) -> {
            if (t == null) {
                old.setSelected(true); // one range is always chosen
            } else {
                model.trends.rangeProperty().set((LinkTrends.Range) t.getUserData());
                dirty = true;
            }
        });
        // The range may also change in the model (a saved choice, a test): the buttons follow it.
        model.trends.rangeProperty().addListener((obs, old, r) -> range.getToggles().stream()
                .filter(t -> t.getUserData() == r).findFirst().ifPresent(t -> t.setSelected(true)));
        hover.setId("chartHover");
        hover.getStyleClass().add("chart-hover");
        Label legend = new Label("Lines: 5 % YELLOW, 11 % RED (link thresholds) · markers: ⚠ breach/attack, ↺ reset, "
                + "◉ Eve, ✕ outage");
        legend.getStyleClass().add("trend-legend");
        legend.setWrapText(true);
        HBox top = new HBox(16, ranges, hover);
        top.setAlignment(Pos.CENTER_LEFT);
        for (TrendChart c : List.of(qber, keyRate, pool)) {
            c.chart.setMinHeight(140);
            VBox.setVgrow(c.chart, Priority.ALWAYS);
        }
        getChildren().addAll(top, qber.chart, keyRate.chart, pool.chart, legend);

        model.trends.samples().addListener((ListChangeListener<LinkTrends.Sample>) c -> dirty = true);
        model.trends.markers().addListener((ListChangeListener<LinkTrends.Marker>) c -> dirty = true);
        Timeline redraw = new Timeline(new KeyFrame(javafx.util.Duration.seconds(1), e -> redrawIfDirty()));
        redraw.setCycleCount(Animation.INDEFINITE);
        redraw.play();
        qber.hoverInto(hover, "QBER %.2f %%", model.trends::samples);
        keyRate.hoverInto(hover, "key rate %.1f kbit/s", model.trends::samples);
        pool.hoverInto(hover, "pool %.1f kbit", model.trends::samples);
    }

    void redrawIfDirty() {
        if (dirty) {
            dirty = false;
            redraw(Instant.now());
        }
    }

    private void redraw(Instant now) {
        Instant from = model.trends.from(now);
        for (TrendChart c : List.of(qber, keyRate, pool)) {
            c.draw(model.trends.samples(), model.trends.markers(), from, now);
        }
    }
}
