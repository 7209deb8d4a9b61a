package qstcs.console;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.chart.ValueAxis;

/**
 * A chart axis of epoch seconds whose ticks fall on round local clock times ({@link TimeTicks}):
 * the axis spans exactly its bounds, but a tick sits at 10:42:00, not at the bound 10:41:37.
 * Minor ticks are left out: grid lines at the labelled times are what a reader lines values up with.
 */
final class TimeAxis extends ValueAxis<Number> {
    /** At most this many labelled ticks, so that "HH:mm" labels do not crowd a small tile. */
    static final int MAX_TICKS = 7;
    private final ZoneId zone;

    TimeAxis(ZoneId zone) {
        this.zone = zone;
        setAutoRanging(false);
        setMinorTickVisible(false);
    }

    /** Sets the span shown (epoch seconds). */
    void show(double from, double to) {
        setLowerBound(from);
        setUpperBound(to);
    }

    /** The step between ticks that suits the span shown, in seconds. */
    long step() {
        return TimeTicks.step(getUpperBound() - getLowerBound(), MAX_TICKS);
    }

    @Override
    protected List<Number> calculateTickValues(double length, Object range) {
        double[] r = (double[]) range;
        return new ArrayList<>(TimeTicks.between(r[0], r[1], TimeTicks.step(r[1] - r[0], MAX_TICKS), zone));
    }

    @Override
    protected List<Number> calculateMinorTickMarks() {
        return List.of();
    }

    @Override
    protected String getTickMarkLabel(Number seconds) {
        return TimeTicks.label(seconds.longValue(), step(), zone);
    }

    /** Lower bound, upper bound and scale, as {@link #setRange} takes them back. */
    @Override
    protected Object getRange() {
        return new double[] {getLowerBound(), getUpperBound(), getScale()};
    }

    @Override
    protected void setRange(Object range, boolean animate) {
        double[] r = (double[]) range;
        setLowerBound(r[0]);
        setUpperBound(r[1]);
        currentLowerBound.set(r[0]);
        setScale(r[2]);
    }
}
