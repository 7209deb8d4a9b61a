package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The FFT against the definition X[k] = Σ x[m]·e^(−2πikm/N): every size from 1 to 2^13 (the
 * in-place kernels and the tiled column passes, odd and even log), and spot bins of 2^17 and
 * 2^21 (two levels of column passes; 2^21 is the benchmark's size) — with the scalar
 * butterflies and with the fastest available ones (the Vector API's when surefire adds the
 * module, as crypto's POM does).
 */
class ComplexFftTest {

    private static final List<ComplexFft> FFTS = List.of(
            new ComplexFft(21, ScalarRadix4.INSTANCE), new ComplexFft(21, Radix4Butterflies.fastest()));

    @Test
    void theVectorButterfliesAreUsedWhenTheModuleIsPresent() {
        // Guards against a silent fallback (e.g. a linkage error) that would only show as slowness.
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String kernel = Radix4Butterflies.fastest().description();
        assertEquals(module, kernel.startsWith("vector"), "module present: " + module + ", kernel: " + kernel);
    }

    @Test
    void forwardMatchesTheDefinitionInBitReversedOrder() {
        for (ComplexFft fft : FFTS) {
            forwardMatchesTheDefinition(fft);
        }
    }

    private static void forwardMatchesTheDefinition(ComplexFft fft) {
        RandomGenerator rng = TestRandom.seeded(11);
        for (int log = 0; log <= 13; log++) {
            int n = 1 << log;
            double[] xr = random(n, rng);
            double[] xi = random(n, rng);
            double[] re = xr.clone();
            double[] im = xi.clone();
            fft.forward(re, im, n);
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
        for (ComplexFft fft : FFTS) {
            largeTransformsMatchTheDefinition(fft);
        }
    }

    private static void largeTransformsMatchTheDefinition(ComplexFft fft) {
        RandomGenerator rng = TestRandom.seeded(12);
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
            fft.forward(re, im, n);
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
        for (ComplexFft fft : FFTS) {
            inverseUndoesForward(fft);
        }
    }

    @Test
    void forwardFromBitsEqualsSpreadingTheBitsFirst() {
        // Offsets before the start and past the end, as the blocked Toeplitz product uses them.
        RandomGenerator rng = TestRandom.seeded(14);
        BitString x = BitString.random(70_001, rng);
        BitString s = BitString.random(90_123, rng);
        int[][] cases = {{0, 70_001, 0, 90_123}, {-37, 5_000, 1_000, 80_000}, {65_000, 65_536, -129, 3}};
        for (ComplexFft fft : FFTS) {
            for (int n : new int[] {1 << 9, 1 << 17}) {
                for (int[] c : cases) {
                    double[] re = new double[n];
                    double[] im = new double[n];
                    ComplexFft.spreadBits(x, c[0], c[1], 0, re, 0, n);
                    ComplexFft.spreadBits(s, c[2], c[3], 0, im, 0, n);
                    for (int e = 0; e < n; e++) {
                        int xi = c[0] + e;
                        int si = c[2] + e;
                        assertEquals(e < c[1] && xi >= 0 && xi < x.length() ? x.bit(xi) : 0, re[e], "x bit " + e);
                        assertEquals(e < c[3] && si >= 0 && si < s.length() ? s.bit(si) : 0, im[e], "s bit " + e);
                    }
                    fft.forward(re, im, n);
                    double[] re2 = new double[n];
                    double[] im2 = new double[n];
                    fft.forwardFromBits(re2, im2, n, x, c[0], c[1], s, c[2], c[3]);
                    for (int e = 0; e < n; e++) {
                        assertEquals(re[e], re2[e], 1e-9, "re " + e);
                        assertEquals(im[e], im2[e], 1e-9, "im " + e);
                    }
                }
            }
        }
    }

    @Test
    void scalarAndVectorButterfliesAgree() {
        RandomGenerator rng = TestRandom.seeded(15);
        int n = 1 << 16;
        double[] re = random(n, rng);
        double[] im = random(n, rng);
        double[][] out = new double[2][];
        for (int f = 0; f < 2; f++) {
            double[] r = re.clone();
            double[] i = im.clone();
            FFTS.get(f).forward(r, i, n);
            out[f] = r;
        }
        for (int e = 0; e < n; e++) {
            assertEquals(out[0][e], out[1][e], 1e-9, "bin at " + e);
        }
    }

    private static void inverseUndoesForward(ComplexFft fft) {
        RandomGenerator rng = TestRandom.seeded(13);
        for (int log : new int[] {0, 1, 2, 3, 5, 10, 11, 12, 15, 16, 19}) {
            int n = 1 << log;
            double[] xr = random(n, rng);
            double[] xi = random(n, rng);
            double[] re = xr.clone();
            double[] im = xi.clone();
            fft.forward(re, im, n);
            fft.inverse(re, im, n);
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
