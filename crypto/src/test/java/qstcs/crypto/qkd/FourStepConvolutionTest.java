package qstcs.crypto.qkd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The four-step path of the Toeplitz FFT: its column DFTs (lengths 3^e·2^a) against the
 * definition, and whole products against the word-parallel method (itself checked against the
 * naive definition in {@link ToeplitzHashTest}) for every kind of column length, with the
 * scalar butterflies and with the fastest available ones.
 */
class FourStepConvolutionTest {

    private static final List<Radix4Butterflies> KERNELS = List.of(ScalarRadix4.INSTANCE, Radix4Butterflies.fastest());

    @Test
    void columnDftMatchesTheDefinitionInDigitReversedOrderAndInvertsExactly() {
        RandomGenerator rng = TestRandom.seeded(3);
        for (Radix4Butterflies kernel : KERNELS) {
            for (int threes = 0; threes <= 3; threes++) {
                for (int powerLog = 1; powerLog <= 5; powerLog++) {
                    int width = 8;
                    ColumnDft dft = new ColumnDft(threes, powerLog, width, new ComplexFft(powerLog, kernel), kernel);
                    int rows = dft.rows;
                    double[] xr = new double[rows * width];
                    double[] xi = new double[rows * width];
                    for (int i = 0; i < xr.length; i++) {
                        xr[i] = rng.nextDouble(-1, 1);
                        xi[i] = rng.nextDouble(-1, 1);
                    }
                    double[] re = xr.clone();
                    double[] im = xi.clone();
                    dft.dif(re, im);
                    String what = "R=" + rows + " " + kernel.description();
                    for (int p = 0; p < rows; p++) {
                        int k = dft.frequencyAt(p);
                        assertEquals(p, dft.positionOf(k), what);
                        for (int c = 0; c < width; c++) {
                            double sr = 0;
                            double si = 0;
                            for (int t = 0; t < rows; t++) {
                                double a = -2 * Math.PI * ((long) t * k % rows) / rows;
                                sr += xr[t * width + c] * Math.cos(a) - xi[t * width + c] * Math.sin(a);
                                si += xr[t * width + c] * Math.sin(a) + xi[t * width + c] * Math.cos(a);
                            }
                            assertEquals(sr, re[p * width + c], 1e-9 * rows, what + " k=" + k);
                            assertEquals(si, im[p * width + c], 1e-9 * rows, what + " k=" + k);
                        }
                    }
                    dft.dit(re, im);                // unscaled inverse: R times the input
                    for (int i = 0; i < xr.length; i++) {
                        assertEquals(xr[i] * rows, re[i], 1e-9 * rows, what + " inverse");
                        assertEquals(xi[i] * rows, im[i], 1e-9 * rows, what + " inverse");
                    }
                }
            }
        }
    }

    @Test
    void productsMatchTheWordParallelMethodForEveryColumnLength() {
        RandomGenerator rng = TestRandom.seeded(1_769_472);
        for (Radix4Butterflies kernel : KERNELS) {
            for (int threes = 0; threes <= 3; threes++) {
                for (int powerLog : new int[] {1, 2, 3, 4}) {
                    FourStepConvolution conv = new FourStepConvolution(threes, powerLog, 7, kernel);
                    int size = conv.size;
                    // Sizes that just fit, that leave room, and that are not multiples of 64.
                    int[][] shapes = {
                        {size / 2 + 1, size - size / 2},                  // n + l - 1 = N exactly
                        {size / 3 + 17, size / 2 - 40},
                        {1 + rng.nextInt(size / 2), 0},
                    };
                    shapes[2][1] = 1 + rng.nextInt(size - shapes[2][0]);
                    for (int[] shape : shapes) {
                        int n = shape[0];
                        int l = shape[1];
                        BitString x = BitString.random(n, rng);
                        BitString s = BitString.random(n + l - 1, rng);
                        BitString y = ToeplitzFft.tryFourStep(x, s, l, conv);
                        String what = "N=" + size + " (3^" + threes + "·2^" + powerLog + " rows) n=" + n + " l=" + l
                                + " " + kernel.description();
                        assertNotNull(y, "rounding verdict, " + what);
                        assertTrue(PrivacyAmplification.toeplitzWordParallel(x, s, l).contentEquals(y), what);
                    }
                }
            }
        }
    }

    @Test
    void allOnesInputsRoundExactly() {
        // All-ones x and s make every coefficient as large as it gets: the worst case for rounding.
        for (Radix4Butterflies kernel : KERNELS) {
            FourStepConvolution conv = new FourStepConvolution(3, 3, 8, kernel);
            int n = conv.size / 2 + 5;
            int l = conv.size - n + 1;
            BitString x = ones(n);
            BitString s = ones(n + l - 1);
            BitString y = ToeplitzFft.tryFourStep(x, s, l, conv);
            assertNotNull(y, kernel.description());
            for (int i = 0; i < l; i++) {
                assertEquals(n & 1, y.bit(i), "bit " + i + " " + kernel.description());
            }
        }
    }

    @Test
    void theMillionBitProductUsesTwentySevenTimesSixteenRowsAndIsExact() {
        // n = 10^6, l = 0.7n needs 1,699,999 points: 432 = 27·16 rows of 4096 (1,769,472 points)
        // instead of 2^21 = 2,097,152.
        assertEquals(1_769_472, FourStepConvolution.forLength(1_699_999, 21).size);
        RandomGenerator rng = TestRandom.seeded(864);
        int n = 1_000_000;
        int l = 700_000;
        BitString x = BitString.random(n, rng);
        BitString s = BitString.random(n + l - 1, rng);
        BitString y = ToeplitzFft.tryFourStep(x, s, l, new FourStepConvolution(3, 4, 12, ScalarRadix4.INSTANCE));
        assertNotNull(y);
        assertTrue(ToeplitzNtt.multiply(x, s, l).contentEquals(y));
    }

    @Test
    void refusesAProductLongerThanTheTransform() {
        FourStepConvolution conv = new FourStepConvolution(1, 2, 7, ScalarRadix4.INSTANCE);   // 1,536 points
        BitString x = BitString.random(1_000, TestRandom.seeded(1));
        BitString s = BitString.random(1_000 + 538 - 1, TestRandom.seeded(2));
        assertThrows(IllegalArgumentException.class, () -> ToeplitzFft.tryFourStep(x, s, 538, conv));
    }

    @Test
    void depositWritesOnlyTheBitsInsideTheOutput() {
        long[] y = new long[2];
        FourStepConvolution.deposit(y, 100, -3, -1L, 64);           // bits 3..63 land on 0..60
        assertEquals((1L << 61) - 1, y[0]);
        FourStepConvolution.deposit(y, 100, 61, -1L, 64);           // 61..99 only
        assertEquals(-1L, y[0]);
        assertEquals((1L << 36) - 1, y[1]);
    }

    private static BitString ones(int n) {
        BitString b = new BitString(n);
        for (int i = 0; i < n; i++) {
            b.set(i, true);
        }
        return b;
    }
}
