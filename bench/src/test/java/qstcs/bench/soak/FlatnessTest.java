package qstcs.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlatnessTest {

    private static final Flatness.Tolerance FDS = new Flatness.Tolerance(0.10, 8);

    @Test
    void aSteadySeriesWithNoiseIsFlat() {
        double[] fds = {40, 300, 120, 118, 125, 121, 119, 124, 122, 120, 126};
        Flatness f = Flatness.judge("fds", fds, 2, FDS);
        assertTrue(f.flat(), f.toString());
    }

    @Test
    void aDescriptorLeakIsNotFlat() {
        double[] fds = new double[30];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = 120 + 2 * i; // one descriptor lost every five seconds
        }
        Flatness f = Flatness.judge("fds", fds, 3, FDS);
        assertFalse(f.flat(), f.toString());
        assertTrue(f.lastMean() > f.limit());
    }

    @Test
    void theWarmUpIsLeftOutAndAFallingSeriesIsFlat() {
        double[] rss = {100, 200, 400, 390, 380, 370, 360, 350};
        Flatness f = Flatness.judge("rss", rss, 2, new Flatness.Tolerance(0.10, 16));
        assertTrue(f.flat(), f.toString());
        assertEquals(395, f.firstMean(), 1e-9);
        assertEquals(355, f.lastMean(), 1e-9);
    }

    @Test
    void intervalsWithoutAMeasurementAreSkipped() {
        double[] p99 = {5, Double.NaN, 5, 5, Double.NaN, 5, 5, Double.NaN, 5};
        assertTrue(Flatness.judge("p99", p99, 0, new Flatness.Tolerance(1, 2)).flat());
    }

    @Test
    void aRunTooShortToShowATrendNeverPasses() {
        assertFalse(Flatness.judge("fds", new double[] {1, 1, 1, 1}, 2, FDS).flat());
    }
}
