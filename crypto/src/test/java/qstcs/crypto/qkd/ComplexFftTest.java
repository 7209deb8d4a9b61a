package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The FFT against the definition X[k] = Σ x[m]·e^(−2πikm/N): every size from 1 to 2^13 (the
 * in-place kernels and the tiled column passes, odd and even log), and spot bins of 2^17 and
 * 2^21 (two levels of column passes; 2^21 is the benchmark's size).
 */
class ComplexFftTest {

    private static final ComplexFft FFT = new ComplexFft(21);

    @Test
    void forwardMatchesTheDefinitionInBitReversedOrder() {
        RandomGenerator rng = QkdRandom.seeded(11);
        for (int log = 0; log <= 13; log++) {
            int n = 1 << log;
            double[] xr = random(n, rng);
            double[] xi = random(n, rng);
            double[] re = xr.clone();
            double[] im = xi.clone();
            FFT.forward(re, im, n);
            int[] bins = log <= 10 ? range(n) : new int[] {0, 1, 2, 3, n / 3, n / 2 - 1, n / 2, n - 1};
            for (int k : bins) {
                double[] want = dftBin(xr, xi, k);
                int pos = log == 0 ? 0 : Integer.reverse(k) >>> (32 - log);
                assertEquals(want[0], re[pos], 1e-9 * n, "re, N=" + n + " k=" + k);
                assertEquals(want[1], im[pos], 1e-9 * n, "im, N=" + n + " k=" + k);
            }
        }
    }

    @Test
    void largeTransformsMatchTheDefinitionAtSampleBins() {
        RandomGenerator rng = QkdRandom.seeded(12);
        for (int log : new int[] {17, 21}) {
            int n = 1 << log;
            double[] xr = new double[n];
            double[] xi = new double[n];
            for (int i = 0; i < n; i++) {          // 0/1 inputs, as privacy amplification has
                xr[i] = rng.nextInt(2);
                xi[i] = rng.nextInt(2);
            }
            double[] re = xr.clone();
            double[] im = xi.clone();
            FFT.forward(re, im, n);
            for (int k : new int[] {0, 1, 5, 4097, n / 2 + 3, n - 1, rng.nextInt(n), rng.nextInt(n)}) {
                double[] want = dftBin(xr, xi, k);
                int pos = Integer.reverse(k) >>> (32 - log);
                assertEquals(want[0], re[pos], 1e-6, "re, N=2^" + log + " k=" + k);
                assertEquals(want[1], im[pos], 1e-6, "im, N=2^" + log + " k=" + k);
            }
        }
    }

    @Test
    void inverseUndoesForwardTimesN() {
        RandomGenerator rng = QkdRandom.seeded(13);
        for (int log : new int[] {0, 1, 2, 3, 5, 10, 11, 12, 15, 16, 19}) {
            int n = 1 << log;
            double[] xr = random(n, rng);
            double[] xi = random(n, rng);
            double[] re = xr.clone();
            double[] im = xi.clone();
            FFT.forward(re, im, n);
            FFT.inverse(re, im, n);
            for (int i = 0; i < n; i++) {
                assertEquals(xr[i], re[i] / n, 1e-12, "re, N=" + n + " i=" + i);
                assertEquals(xi[i], im[i] / n, 1e-12, "im, N=" + n + " i=" + i);
            }
        }
    }

    @Test
    void rejectsSizesTheTableDoesNotServe() {
        ComplexFft small = new ComplexFft(4);
        assertThrows(IllegalArgumentException.class, () -> small.forward(new double[32], new double[32], 32));
        assertThrows(IllegalArgumentException.class, () -> small.inverse(new double[12], new double[12], 12));
    }

    private static double[] dftBin(double[] xr, double[] xi, int k) {
        int n = xr.length;
        double sr = 0;
        double si = 0;
        for (int m = 0; m < n; m++) {
            double angle = -2 * Math.PI * (((long) k * m) % n) / n;
            double c = Math.cos(angle);
            double s = Math.sin(angle);
            sr += xr[m] * c - xi[m] * s;
            si += xr[m] * s + xi[m] * c;
        }
        return new double[] {sr, si};
    }

    private static double[] random(int n, RandomGenerator rng) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextDouble() * 2 - 1;
        }
        return a;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
