package qstcs.crypto.qkd;

/**
 * The column transforms of {@link FourStepConvolution}: an R-point DFT down every column of
 * a tile of R rows × W columns (row t at t·W), for R = 3^e·2^a (e ≤ 3). Each tile row is one
 * point of the transform, a W-wide vector, so every butterfly's root is a broadcast scalar.
 *
 * <p>Why factors of 3: a power-of-two transform wastes up to half its points. At
 * n = 10<sup>6</sup>, ℓ = 0.7n the convolution needs 1.7·10<sup>6</sup> points; 2<sup>21</sup> is
 * 2.10·10<sup>6</sup>, while 27·2<sup>4</sup> rows × 2<sup>12</sup> columns is 1.77·10<sup>6</sup>,
 * 16 % less of every pass. The 3s live only here, in the tile (in L2), so the rows stay
 * power-of-two transforms in L1 and no pass over memory is added.
 *
 * <p>DIF (forward, Sande–Tukey): radix-3 stages while the length has a factor 3, then the
 * power-of-two DIF, each range depth-first; the output is digit-reversed: row position p
 * holds frequency {@link #frequencyAt}(p). DIT (inverse) is the exact adjoint, taking that
 * order back to natural order.
 */
final class ColumnDft {

    /** R, the transform length (number of tile rows). */
    final int rows;
    /** W, the tile width. */
    final int width;
    private final int powerOfTwo;                  // 2^a, the length left after the radix-3 stages
    private final Radix4Butterflies kernel;
    private final double[] wr;                     // ComplexFft's table: radix-4 roots for ≤ 2^a points
    private final double[] wi;
    private final double[] rootRe;                 // e^(−2πi·q/R), q < R: the radix-3 stages' twiddles
    private final double[] rootIm;
    private final int[] frequency;                 // row position → frequency k1
    private final int[] position;                  // frequency → row position

    ColumnDft(int threes, int powerLog, int width, ComplexFft table, Radix4Butterflies kernel) {
        if (threes < 0 || threes > 3 || powerLog < 1 || table.log < powerLog) {
            throw new IllegalArgumentException("column length 3^" + threes + "·2^" + powerLog);
        }
        this.powerOfTwo = 1 << powerLog;
        this.rows = (int) Math.pow(3, threes) * powerOfTwo;
        this.width = width;
        this.kernel = kernel;
        wr = table.rootsRe();
        wi = table.rootsIm();
        rootRe = new double[rows];
        rootIm = new double[rows];
        for (int q = 0; q < rows; q++) {
            rootRe[q] = Math.cos(2 * Math.PI * q / rows);
            rootIm[q] = -Math.sin(2 * Math.PI * q / rows);
        }
        frequency = new int[rows];
        position = new int[rows];
        for (int p = 0; p < rows; p++) {
            frequency[p] = digitReverse(p, rows, powerLog);
            position[frequency[p]] = p;
        }
    }

    /** The frequency held by row position p after {@link #dif}. */
    int frequencyAt(int p) {
        return frequency[p];
    }

    /** The row position of frequency k1. */
    int positionOf(int k1) {
        return position[k1];
    }

    /** Digit reversal for radix 3 (outermost first) then bit reversal of the power-of-two rest. */
    private static int digitReverse(int p, int span, int powerLog) {
        if (span % 3 == 0) {
            int third = span / 3;
            return p / third + 3 * digitReverse(p % third, third, powerLog);
        }
        return powerLog == 0 ? 0 : Integer.reverse(p) >>> (32 - powerLog);
    }

    /** The forward DFT down every column of the tile; output digit-reversed. */
    void dif(double[] tr, double[] ti) {
        dif(tr, ti, 0, rows);
    }

    /** The adjoint of {@link #dif} (unscaled inverse): digit-reversed in, natural order out. */
    void dit(double[] tr, double[] ti) {
        dit(tr, ti, 0, rows);
    }

    private void dif(double[] tr, double[] ti, int from, int span) {
        if (span % 3 != 0) {
            powerOfTwoDif(tr, ti, from, span);
            return;
        }
        int third = span / 3;
        int step = rows / span;                    // W_span^j = root[j·step]
        for (int j = 0; j < third; j++) {
            kernel.dif3Broadcast(tr, ti, (from + j) * width, third * width,
                    rootRe[j * step], rootIm[j * step], rootRe[2 * j * step], rootIm[2 * j * step], width);
        }
        for (int k = 0; k < 3; k++) {
            dif(tr, ti, from + k * third, third);
        }
    }

    private void dit(double[] tr, double[] ti, int from, int span) {
        if (span % 3 != 0) {
            powerOfTwoDit(tr, ti, from, span);
            return;
        }
        int third = span / 3;
        int step = rows / span;
        for (int k = 0; k < 3; k++) {
            dit(tr, ti, from + k * third, third);
        }
        for (int j = 0; j < third; j++) {
            kernel.dit3Broadcast(tr, ti, (from + j) * width, third * width,
                    rootRe[j * step], rootIm[j * step], rootRe[2 * j * step], rootIm[2 * j * step], width);
        }
    }

    /**
     * The power-of-two DIF on tile rows [from, from + span): the radix-4 stage of the whole
     * range, then each quarter depth-first, so the deeper stages run on sub-tiles that fit in
     * L1. Stage by stage the same arithmetic as {@link ComplexFft#forward}.
     */
    private void powerOfTwoDif(double[] tr, double[] ti, int from, int span) {
        if (span >= 4) {
            int q = span >>> 2;
            for (int r = 0; r < q; r++) {
                kernel.difBroadcast(tr, ti, (from + r) * width, q * width,
                        wr[2 * q + r], wi[2 * q + r], wr[q + r], wi[q + r], width);
            }
            for (int k = 0; k < 4; k++) {
                powerOfTwoDif(tr, ti, from + k * q, q);
            }
        } else if (span == 2) {
            butterfly2(tr, ti, from * width, width);
        }
    }

    /** The mirror of {@link #powerOfTwoDif}: quarters first, then the stage of the whole range. */
    private void powerOfTwoDit(double[] tr, double[] ti, int from, int span) {
        if (span >= 4) {
            int q = span >>> 2;
            for (int k = 0; k < 4; k++) {
                powerOfTwoDit(tr, ti, from + k * q, q);
            }
            for (int r = 0; r < q; r++) {
                kernel.ditBroadcast(tr, ti, (from + r) * width, q * width,
                        wr[2 * q + r], wi[2 * q + r], wr[q + r], wi[q + r], width);
            }
        } else if (span == 2) {
            butterfly2(tr, ti, from * width, width);
        }
    }

    /** (u, v) ← (u + v, u − v) on two adjacent tile rows: a 2-point stage, whose root is 1. */
    private static void butterfly2(double[] tr, double[] ti, int a, int w) {
        for (int b = a; b < a + w; b++) {
            double ur = tr[b];
            double ui = ti[b];
            double vr = tr[b + w];
            double vi = ti[b + w];
            tr[b] = ur + vr;
            ti[b] = ui + vi;
            tr[b + w] = ur - vr;
            ti[b + w] = ui - vi;
        }
    }
}
