package qstcs.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import qstcs.crypto.link.LinkColour;

/**
 * The monitoring board: QBER, key rate and key pool over time on a real time axis, for the last
 * 5 minutes, hour, or since the KMS started. The QBER scale is fixed (0–30 %) with the YELLOW and
 * RED lines where {@link LinkColour} draws them; breaches, resets, Eve changes and outages are
 * vertical markers; the value under the mouse is shown. Redrawn at most once a second.
 */
final class TrendsView extends VBox {
    static final double QBER_MAX_PERCENT = 30;

    final LineChart<Number, Number> qber;
    final LineChart<Number, Number> keyRate;
    final LineChart<Number, Number> pool;
    final ToggleGroup range = new ToggleGroup();
    final Label hover = new Label("Point at a chart for its value");
    private final ConsoleModel model;
    private boolean dirty = true;

    TrendsView(ConsoleModel model) {
        this.model = model;
        getStyleClass().add("trends-view");
        setSpacing(6);
        setPadding(new Insets(10));
        qber = chart("QBER (%)", 0, QBER_MAX_PERCENT, 5);
        qber.setId("qberChart");
        keyRate = chart("Secret key rate (kbit/s)", 0, Double.NaN, 0);
        keyRate.setId("keyRateChart");
        pool = chart("Key pool (kbit)", 0, Double.NaN, 0);
        pool.setId("poolChart");

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
        for (LineChart<Number, Number> c : List.of(qber, keyRate, pool)) {
            VBox.setVgrow(c, Priority.ALWAYS);
        }
        getChildren().addAll(top, qber, keyRate, pool, legend);

        model.trends.samples().addListener((ListChangeListener<LinkTrends.Sample>) c -> dirty = true);
        model.trends.markers().addListener((ListChangeListener<LinkTrends.Marker>) c -> dirty = true);
        Timeline redraw = new Timeline(new KeyFrame(javafx.util.Duration.seconds(1), e -> redrawIfDirty()));
        redraw.setCycleCount(Animation.INDEFINITE);
        redraw.play();
        hover(qber, s -> s.qber() * 100, "QBER %.2f %%");
        hover(keyRate, s -> s.keyRateBps() / 1000, "key rate %.1f kbit/s");
        hover(pool, s -> s.poolBits() / 1000.0, "pool %.1f kbit");
    }

    private static LineChart<Number, Number> chart(String title, double min, double max, double tick) {
        NumberAxis x = new NumberAxis();
        x.setAutoRanging(false);
        x.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return AuditWording.time(Instant.ofEpochSecond(seconds.longValue()));
            }

            @Override
            public Number fromString(String s) {
                return 0;
            }
        });
        NumberAxis y = new NumberAxis();
        y.setLabel(title);
        if (!Double.isNaN(max)) {
            y.setAutoRanging(false);
            y.setLowerBound(min);
            y.setUpperBound(max);
            y.setTickUnit(tick);
        } else {
            y.setForceZeroInRange(true);
        }
        LineChart<Number, Number> c = new LineChart<>(x, y);
        c.setCreateSymbols(false);
        c.setAnimated(false);
        c.setLegendVisible(false);
        c.getStyleClass().add("trend-chart");
        c.setMinHeight(140);
        return c;
    }

    void redrawIfDirty() {
        if (dirty) {
            dirty = false;
            redraw(Instant.now());
        }
    }

    private void redraw(Instant now) {
        Instant from = model.trends.from(now);
        List<LinkTrends.Sample> samples = model.trends.samples().stream().filter(s -> !s.at().isBefore(from)).toList();
        List<LinkTrends.Marker> markers = model.trends.markers().stream().filter(m -> !m.at().isBefore(from)).toList();
        double lo = from.getEpochSecond();
        double hi = Math.max(lo + 60, now.getEpochSecond());
        fill(qber, samples, markers, s -> s.qber() * 100, lo, hi, QBER_MAX_PERCENT,
                LinkColour.YELLOW_QBER * 100, LinkColour.RED_QBER * 100);
        double rateMax = samples.stream().mapToDouble(s -> s.keyRateBps() / 1000).max().orElse(1);
        fill(keyRate, samples, markers, s -> s.keyRateBps() / 1000, lo, hi, Math.max(1, rateMax));
        double poolMax = samples.stream().mapToDouble(s -> s.poolBits() / 1000.0).max().orElse(1);
        fill(pool, samples, markers, s -> s.poolBits() / 1000.0, lo, hi, Math.max(1, poolMax));
    }

    private static void fill(LineChart<Number, Number> chart, List<LinkTrends.Sample> samples,
                             List<LinkTrends.Marker> markers, ToDoubleFunction<LinkTrends.Sample> value,
                             double lo, double hi, double top, double... levels) {
        NumberAxis x = (NumberAxis) chart.getXAxis();
        x.setLowerBound(lo);
        x.setUpperBound(hi);
        x.setTickUnit(niceTick(hi - lo));
        List<XYChart.Series<Number, Number>> all = new ArrayList<>();
        XYChart.Series<Number, Number> line = new XYChart.Series<>();
        line.setName("value");
        List<XYChart.Data<Number, Number>> points = new ArrayList<>(samples.size());
        for (LinkTrends.Sample s : samples) {
            points.add(new XYChart.Data<>(s.at().toEpochMilli() / 1000.0, value.applyAsDouble(s)));
        }
        line.getData().setAll(points);
        all.add(line);
        for (LinkTrends.Marker m : markers) {
            XYChart.Series<Number, Number> v = new XYChart.Series<>();
            v.setName(m.label());
            double t = m.at().toEpochMilli() / 1000.0;
            v.getData().add(new XYChart.Data<>(t, 0));
            v.getData().add(new XYChart.Data<>(t, top));
            all.add(v);
        }
        for (double level : levels) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.getData().add(new XYChart.Data<>(lo, level));
            s.getData().add(new XYChart.Data<>(hi, level));
            all.add(s);
        }
        // Styled after all series are in: the chart resets each series' style classes when the list changes.
        chart.getData().setAll(all);
        for (int i = 0; i < levels.length; i++) {
            all.get(all.size() - levels.length + i).getNode().getStyleClass().addAll("level", i == 0 ? "level-yellow" : "level-red");
        }
        for (int i = 1; i <= markers.size(); i++) {
            LinkTrends.Marker m = markers.get(i - 1);
            all.get(i).getNode().getStyleClass().addAll("marker", "marker-" + m.kind().replace('_', '-'));
            javafx.scene.control.Tooltip.install(all.get(i).getNode(), new javafx.scene.control.Tooltip(
                    m.label() + " · " + AuditWording.time(m.at()) + " · " + m.detail()));
        }
        all.getFirst().getNode().getStyleClass().add("value-line");
    }

    private static double niceTick(double span) {
        for (double t : new double[] {30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400}) {
            if (span / t <= 8) {
                return t;
            }
        }
        return 86400;
    }

    private void hover(LineChart<Number, Number> chart, ToDoubleFunction<LinkTrends.Sample> value, String format) {
        chart.setOnMouseMoved(e -> {
            NumberAxis x = (NumberAxis) chart.getXAxis();
            double local = x.sceneToLocal(e.getSceneX(), e.getSceneY()).getX();
            Number t = x.getValueForDisplay(local);
            if (t == null) {
                return;
            }
            long ms = (long) (t.doubleValue() * 1000);
            LinkTrends.Sample best = null;
            for (LinkTrends.Sample s : model.trends.samples()) {
                if (best == null || Math.abs(s.at().toEpochMilli() - ms) < Math.abs(best.at().toEpochMilli() - ms)) {
                    best = s;
                }
            }
            if (best != null) {
                hover.setText(AuditWording.time(best.at()) + " · " + String.format(Locale.ROOT, format, value.applyAsDouble(best)));
            }
        });
    }
}
