package qstcs.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import qstcs.crypto.link.LinkColour;

/**
 * One chart of the link over time, drawn the same way wherever it appears (the Trends tab, the
 * Link tab's history tiles): a time axis in local clock time that spans exactly the range shown
 * with its ticks on round clock times ({@link TimeAxis}), the value as one line of real points
 * (no padding, no smoothing), breaches, resets, Eve changes and outages as vertical markers, and
 * for QBER a fixed 0–30 % scale with the YELLOW and RED lines where {@link LinkColour} draws them.
 * FX thread only.
 */
final class TrendChart {
    static final double QBER_MAX_PERCENT = 30;

    final LineChart<Number, Number> chart;
    private final ToDoubleFunction<LinkTrends.Sample> value;
    /** The fixed top of the scale, or NaN when the scale runs from 0 to the largest value shown. */
    private final double fixedTop;
    private final double[] levels;

    private TrendChart(String axisLabel, ToDoubleFunction<LinkTrends.Sample> value, double fixedTop, double tick,
                       double... levels) {
        this.value = value;
        this.fixedTop = fixedTop;
        this.levels = levels;
        TimeAxis x = new TimeAxis(java.time.ZoneId.systemDefault());
        NumberAxis y = new NumberAxis();
        y.setLabel(axisLabel);
        if (Double.isNaN(fixedTop)) {
            y.setForceZeroInRange(true);
        } else {
            y.setAutoRanging(false);
            y.setLowerBound(0);
            y.setUpperBound(fixedTop);
            y.setTickUnit(tick);
        }
        chart = new LineChart<>(x, y);
        chart.setCreateSymbols(false);
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.getStyleClass().add("trend-chart");
    }

    /** Round QBER in percent on a fixed 0–30 % scale, with the 5 % and 11 % lines. */
    static TrendChart qber(String axisLabel) {
        return new TrendChart(axisLabel, s -> s.qber() * 100, QBER_MAX_PERCENT, 5,
                LinkColour.YELLOW_QBER * 100, LinkColour.RED_QBER * 100);
    }

    /** Secret key rate in kbit/s, from zero. */
    static TrendChart keyRate(String axisLabel) {
        return new TrendChart(axisLabel, s -> s.keyRateBps() / 1000, Double.NaN, 0);
    }

    /** Key pool in kbit, from zero. */
    static TrendChart pool(String axisLabel) {
        return new TrendChart(axisLabel, s -> s.poolBits() / 1000.0, Double.NaN, 0);
    }

    /** The shown value of {@code s} (percent, kbit/s or kbit). */
    double valueOf(LinkTrends.Sample s) {
        return value.applyAsDouble(s);
    }

    /**
     * Draws the samples and markers from {@code from} to {@code to} (both given in full; the ones
     * outside are left out) on an axis spanning exactly that time.
     */
    void draw(List<LinkTrends.Sample> samples, List<LinkTrends.Marker> markers, Instant from, Instant to) {
        List<LinkTrends.Sample> shown = samples.stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to)).toList();
        List<LinkTrends.Marker> marks = markers.stream().filter(m -> !m.at().isBefore(from) && !m.at().isAfter(to)).toList();
        double lo = from.getEpochSecond();
        double hi = Math.max(lo + 60, to.getEpochSecond());
        ((TimeAxis) chart.getXAxis()).show(lo, hi);
        double top = Double.isNaN(fixedTop) ? Math.max(1, shown.stream().mapToDouble(value).max().orElse(1)) : fixedTop;

        List<XYChart.Series<Number, Number>> all = new ArrayList<>();
        XYChart.Series<Number, Number> line = new XYChart.Series<>();
        line.setName("value");
        List<XYChart.Data<Number, Number>> points = new ArrayList<>(shown.size());
        for (LinkTrends.Sample s : shown) {
            points.add(new XYChart.Data<>(s.at().toEpochMilli() / 1000.0, value.applyAsDouble(s)));
        }
        line.getData().setAll(points);
        all.add(line);
        for (LinkTrends.Marker m : marks) {
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
        for (int i = 1; i <= marks.size(); i++) {
            LinkTrends.Marker m = marks.get(i - 1);
            all.get(i).getNode().getStyleClass().addAll("marker", "marker-" + m.kind().replace('_', '-'));
            Tooltip.install(all.get(i).getNode(), new Tooltip(m.label() + " · " + AuditWording.time(m.at()) + " · " + m.detail()));
        }
        all.getFirst().getNode().getStyleClass().add("value-line");
    }

    /** Shows in {@code into} the time and value ({@code format}) of the sample nearest the mouse. */
    void hoverInto(Label into, String format, Supplier<List<LinkTrends.Sample>> samples) {
        chart.setOnMouseMoved(e -> {
            TimeAxis x = (TimeAxis) chart.getXAxis();
            double local = x.sceneToLocal(e.getSceneX(), e.getSceneY()).getX();
            Number t = x.getValueForDisplay(local);
            if (t == null) {
                return;
            }
            long ms = (long) (t.doubleValue() * 1000);
            LinkTrends.Sample best = null;
            for (LinkTrends.Sample s : samples.get()) {
                if (best == null || Math.abs(s.at().toEpochMilli() - ms) < Math.abs(best.at().toEpochMilli() - ms)) {
                    best = s;
                }
            }
            if (best != null) {
                into.setText(AuditWording.time(best.at()) + " · " + String.format(Locale.ROOT, format, value.applyAsDouble(best)));
            }
        });
    }
}
