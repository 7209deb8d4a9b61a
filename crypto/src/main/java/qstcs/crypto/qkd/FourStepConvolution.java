package qstcs.crypto.qkd;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link ToeplitzFft}'s convolution for one large block (from 2^18 points; 1.77·10^6 for
 * n = 10^6, ℓ = 0.7n) as a four-step FFT, shaped to cross main memory as few times as
 * possible and to waste few points.
 *
 * <p>The N = R·C points form R rows of C = 2^b points (C ≤ 2^12: a row pair fits in L2). The
 * forward DFT is (1) an R-point DFT down every column ({@link ColumnDft}, R = 3^e·2^a, so N
 * can be close to n + ℓ − 1 instead of the next power of two), (2) a twiddle e^(−2πi·c·k1/N)
 * on element (row of frequency k1, column c), (3) a C-point DIF along every row (bit-reversed
 * out). Step 1 runs on tiles of R rows × W columns (≤ 512 KiB, in L2) filled straight from the
 * input bits; its only trip to memory is the store. Steps 2–3 take the rows of frequencies k1
 * and R − k1 together, which hold each other's conjugate partners, into a small buffer; then
 * {@link SpectrumFold#foldRowPair} forms the product X·S and the half-size fold of those two
 * rows, and the two folded rows go at once through the inverse's first steps (row DIT,
 * conjugate twiddle). The inverse's last step, the column DIT on the same tiles, rounds its
 * output straight from the tile. So each point crosses memory about three times (store after
 * step 1, load for the rows, load for the inverse's columns; plus the folded rows' store),
 * against two or three round trips per four stages on the radix-4 path — and the big arrays'
 * lines are only read in the row step, so they are never written back.
 *
 * <p>Why no big root table: the radix-4 path's first stages need one root per butterfly, a
 * 32 MiB table at 2^21 points, streamed like the data. Here the column DFTs need R roots
 * (one per tile row, broadcast), the rows C-point roots, and the twiddles come from two tables
 * of about √N entries: e^(−2πi·m/N) = hi[m ≫ L]·lo[m mod 2^L], within about 2 ulp, which the
 * error bound of {@link ToeplitzFft} covers (its constant is for the twiddles' error).
 */
final class FourStepConvolution {

    /** Smallest power-of-two size replaced by this path; below it the radix-4 path's arrays stay in cache. */
    static final int MIN_LOG = 18;
    /** Largest: 2^22 points, where the tile is 8 columns wide. */
    static final int MAX_LOG = 22;
    /** A column tile holds at most 2^15 points: 512 KiB of re + im, half the L2. */
    private static final int TILE_LOG = 15;
    /** Twiddles along a row: a fine table of this many roots times one coarse root per run. */
    private static final int FINE = 32;

    private static final Map<Integer, FourStepConvolution> CACHE = new HashMap<>();
    /** Per-thread working arrays: the N-point spectrum (re, im), which later holds the folded rows too. */
    private static final ThreadLocal<SoftReference<double[][]>> SCRATCH =
            ThreadLocal.withInitial(() -> new SoftReference<>(null));

    /** N, the number of points. */
    final int size;
    private final int rowLog;                      // rows have C = 2^rowLog points
    private final ColumnDft columns;
    private final ComplexFft small;                // roots and in-cache transforms of the rows
    private final Radix4Butterflies kernel;
    private final int loLog;
    private final double[] loRe;                   // e^(−2πi·m/N), m < 2^loLog
    private final double[] loIm;
    private final double[] hiRe;                   // e^(−2πi·h·2^loLog/N)
    private final double[] hiIm;
    private final double[] colRe;                  // e^(2πi·rev_half(j)/C): the fold's root per column
    private final double[] colIm;
    private final SpectrumFold.FoldRoots rowZeroRoots;
    private final Twiddles forward;                // e^(−2πi·k1·c/N), c < C
    private final Twiddles inverse;                // e^(+2πi·k1·c/(N/2)), c < C/2

    /** N = 3^threes · 2^powerLog rows × 2^rowLog columns. */
    FourStepConvolution(int threes, int powerLog, int rowLog, Radix4Butterflies kernel) {
        if (rowLog < 7 || rowLog > 12 || powerLog < 1 || powerLog > 12) {
            throw new IllegalArgumentException(
                    "four-step transform 3^" + threes + "·2^" + powerLog + " × 2^" + rowLog);
        }
        this.rowLog = rowLog;
        this.kernel = kernel;
        int rowsCeilLog = 32 - Integer.numberOfLeadingZeros((int) Math.pow(3, threes) * (1 << powerLog) - 1);
        int width = 1 << Math.min(6, TILE_LOG - rowsCeilLog);   // ≤ 64: loadBits spreads one word per row
        int half = 1 << (rowLog - 1);
        if (width > half || FINE > half) {
            throw new IllegalArgumentException("four-step rows of 2^" + rowLog + " points are too short");
        }
        small = new ComplexFft(Math.max(powerLog, rowLog), kernel);
        columns = new ColumnDft(threes, powerLog, width, small, kernel);
        size = columns.rows << rowLog;
        loLog = (33 - Integer.numberOfLeadingZeros(size - 1)) / 2;
        loRe = new double[1 << loLog];
        loIm = new double[loRe.length];
        for (int m = 0; m < loRe.length; m++) {
            loRe[m] = Math.cos(2 * Math.PI * m / size);
            loIm[m] = -Math.sin(2 * Math.PI * m / size);
        }
        hiRe = new double[(size >>> loLog) + 1];
        hiIm = new double[hiRe.length];
        for (int h = 0; h < hiRe.length; h++) {
            hiRe[h] = Math.cos(2 * Math.PI * ((long) h << loLog) / size);
            hiIm[h] = -Math.sin(2 * Math.PI * ((long) h << loLog) / size);
        }
        colRe = new double[half];
        colIm = new double[half];
        for (int j = 0; j < half; j++) {
            int k2 = Integer.reverse(j) >>> (33 - rowLog);
            colRe[j] = Math.cos(2 * Math.PI * k2 / (2 * half));
            colIm[j] = Math.sin(2 * Math.PI * k2 / (2 * half));
        }
        rowZeroRoots = SpectrumFold.FoldRoots.forLog(rowLog);
        forward = new Twiddles(1, 1 << rowLog, false);
        inverse = new Twiddles(2, half, true);
    }

    /**
     * The twiddles of every row, e^(∓2πi·mult·k1·c/N) for c &lt; count, as coarse (every
     * {@link #FINE}th c) and fine (c &lt; FINE) roots per k1: (count/FINE + FINE)·R entries
     * (1.7 MiB for both at 1.77·10^6 points) instead of N, read once per row.
     */
    private final class Twiddles {
        final double[] coarseRe;
        final double[] coarseIm;
        final double[] fineRe;
        final double[] fineIm;
        final int coarse;

        Twiddles(int mult, int count, boolean conj) {
            int rows = columns.rows;
            coarse = count / FINE;
            double sign = conj ? -1 : 1;
            coarseRe = new double[rows * coarse];
            coarseIm = new double[rows * coarse];
            fineRe = new double[rows * FINE];
            fineIm = new double[rows * FINE];
            for (int k1 = 0; k1 < rows; k1++) {
                for (int i = 0; i < coarse; i++) {
                    int m = mult * k1 * FINE * i;  // < N: mult·k1 < mult·R and FINE·i < count = C/mult
                    coarseRe[k1 * coarse + i] = rootRe(m);
                    coarseIm[k1 * coarse + i] = sign * rootIm(m);
                }
                for (int b = 0; b < FINE; b++) {
                    fineRe[k1 * FINE + b] = rootRe(mult * k1 * b);
                    fineIm[k1 * FINE + b] = sign * rootIm(mult * k1 * b);
                }
            }
        }

        /** dst[d + c] = src[at + c] · twiddle(k1, c) for c &lt; count. */
        void apply(double[] re, double[] im, int at, double[] dstRe, double[] dstIm, int d, int k1) {
            kernel.twiddle(re, im, at, dstRe, dstIm, d, coarseRe, coarseIm, k1 * coarse, fineRe, fineIm, k1 * FINE,
                    FINE, coarse * FINE);
        }
    }

    /**
     * The smallest layout of at least {@code length} points for a product whose power-of-two
     * transform would have 2^log points (MIN_LOG ≤ log ≤ MAX_LOG), with the fastest butterflies.
     */
    static FourStepConvolution forLength(long length, int log) {
        // Long rows measured best (2^21 → 2^12-point rows: 432 = 27·16 rows, tiles 64 wide):
        // 11 % faster than 2^11-point rows, 20 % faster than 2^10 — the rows' radix-4 stages in
        // cache are cheaper than the tile's broadcast stages, and 2^13 gained nothing more.
        int rowLog = Math.clamp(log - 9, 10, 12);
        long rowsNeeded = Math.max(2, (length + (1L << rowLog) - 1) >>> rowLog);
        int bestThrees = 0;
        int bestPower = 0;
        long bestRows = Long.MAX_VALUE;
        for (int threes = 0, f = 1; threes <= 3; threes++, f *= 3) {
            int power = 1;
            while ((long) f << power < rowsNeeded) {
                power++;
            }
            if ((long) f << power < bestRows) {
                bestRows = (long) f << power;
                bestThrees = threes;
                bestPower = power;
            }
        }
        int key = bestThrees << 16 | bestPower << 8 | rowLog;
        synchronized (CACHE) {
            int threes = bestThrees;
            int power = bestPower;
            return CACHE.computeIfAbsent(key,
                    k -> new FourStepConvolution(threes, power, rowLog, Radix4Butterflies.fastest()));
        }
    }

    /**
     * y[i] = parity of c[i + first] for i &lt; y.length(), where c is the cyclic convolution
     * (N points) of x's first xCount bits with s's first sCount bits; false if some coefficient
     * did not round unambiguously (as {@link ToeplitzFft#roundToBits}). y must be all zero.
     */
    boolean multiply(BitString x, int xCount, BitString s, int sCount, int first, BitString y) {
        int rows = columns.rows;
        int width = columns.width;
        int cols = 1 << rowLog;
        int half = cols / 2;
        double[][] arrays = scratch();
        double[] re = arrays[0];
        double[] im = arrays[1];
        double[] fRe = re;                         // folded rows overwrite consumed forward rows
        double[] fIm = im;
        Work w = new Work(rows * width, cols);
        for (int c0 = 0; c0 < cols; c0 += width) {
            loadBits(w.tileRe, x, xCount, c0, cols, rows, width);
            loadBits(w.tileIm, s, sCount, c0, cols, rows, width);
            columns.dif(w.tileRe, w.tileIm);
            store(w.tileRe, w.tileIm, re, im, c0, cols, rows, width);
        }
        // Frequency 0 is its own partner row, its columns pair up as in a C-point transform.
        forwardRow(re, im, 0, w, 0);
        SpectrumFold.foldBelow(w.rowRe, w.rowIm, null, null, rowZeroRoots, half);
        System.arraycopy(w.rowRe, 0, fRe, foldedAt(0), half);
        System.arraycopy(w.rowIm, 0, fIm, foldedAt(0), half);
        inverseRow(fRe, fIm, 0);
        // Frequency R/2 is its own partner row too; then every pair k1, R − k1.
        forwardRow(re, im, rows / 2, w, 0);
        foldPair(w, rows / 2, rows / 2, 0, fRe, fIm, half / 2);
        inverseRow(fRe, fIm, rows / 2);
        for (int k1 = 1; k1 < rows / 2; k1++) {
            forwardRow(re, im, k1, w, 0);
            forwardRow(re, im, rows - k1, w, cols);
            foldPair(w, k1, rows - k1, cols, fRe, fIm, half);
            inverseRow(fRe, fIm, k1);
            inverseRow(fRe, fIm, rows - k1);
        }
        double scale = 1.0 / size;
        boolean ok = true;
        for (int c0 = 0; c0 < half; c0 += width) {
            loadFolded(w.tileRe, w.tileIm, fRe, fIm, c0, rows, width);
            columns.dit(w.tileRe, w.tileIm);
            ok &= roundTile(w.tileRe, w.tileIm, c0, half, rows, width, scale, first, y);
        }
        return ok;
    }

    private double[][] scratch() {
        double[][] s = SCRATCH.get().get();
        if (s == null || s[0].length < size) {
            s = new double[][] {new double[size], new double[size]};
            SCRATCH.set(new SoftReference<>(s));
        }
        return s;
    }

    /** Per-call buffers: a column tile and two rows (small enough to allocate per product). */
    private static final class Work {
        final double[] tileRe;
        final double[] tileIm;
        final double[] rowRe;
        final double[] rowIm;

        Work(int tile, int cols) {
            tileRe = new double[tile];
            tileIm = new double[tile];
            rowRe = new double[2 * cols];
            rowIm = new double[2 * cols];
        }
    }

    /** Steps 2–3 of the forward: the row of frequency k1, twiddled into the row buffer at d, transformed there. */
    private void forwardRow(double[] re, double[] im, int k1, Work w, int d) {
        int cols = 1 << rowLog;
        forward.apply(re, im, columns.positionOf(k1) * cols, w.rowRe, w.rowIm, d, k1);
        small.forwardInPlace(w.rowRe, w.rowIm, d, cols);
    }

    /** The product and fold of the buffered rows of k1 (at 0) and k2 = R − k1 (at b) into their F rows. */
    private void foldPair(Work w, int k1, int k2, int b, double[] fRe, double[] fIm, int jEnd) {
        int half = 1 << (rowLog - 1);
        kernel.foldRowPair(w.rowRe, w.rowIm, 0, b, fRe, fIm, foldedAt(k1), foldedAt(k2), half, rootRe(k1),
                -rootIm(k1), colRe, colIm, jEnd);
    }

    /** The inverse's first steps on the folded row of frequency k1 (C/2 points): row DIT, conjugate twiddle. */
    private void inverseRow(double[] fRe, double[] fIm, int k1) {
        int half = 1 << (rowLog - 1);
        int at = foldedAt(k1);
        small.inverseInPlace(fRe, fIm, at, half);
        inverse.apply(fRe, fIm, at, fRe, fIm, at, k1);
    }

    /** Re e^(−2πi·m/N) for 0 ≤ m &lt; N, from the two √N tables. */
    private double rootRe(int m) {
        int h = m >>> loLog;
        int l = m & ((1 << loLog) - 1);
        return hiRe[h] * loRe[l] - hiIm[h] * loIm[l];
    }

    private double rootIm(int m) {
        int h = m >>> loLog;
        int l = m & ((1 << loLog) - 1);
        return hiRe[h] * loIm[l] + hiIm[h] * loRe[l];
    }

    /**
     * The inverse's output in the tile (row t holds m = t·cols + c0 + b, b &lt; W, i.e.
     * c[2m] = re, c[2m + 1] = im, times N) rounded into y: each row gives 2W consecutive
     * coefficients, so the output is written a word at a time without storing the tile back.
     */
    private static boolean roundTile(double[] tileRe, double[] tileIm, int c0, int cols, int rows, int width,
                                     double scale, int first, BitString y) {
        long[] yw = y.words();
        int outBits = y.length();
        boolean bad = false;
        int chunk = Math.min(width, 32);           // 32 pairs = one 64-bit word of coefficients
        for (int t = 0; t < rows; t++) {
            for (int b0 = 0; b0 < width; b0 += chunk) {
                long at = 2L * (t * (long) cols + c0 + b0) - first;   // output index of the first coefficient
                if (at >= outBits || at + 2 * chunk <= 0) {
                    continue;
                }
                long word = 0;
                int base = t * width + b0;
                for (int p = 0; p < chunk; p++) {
                    double u = tileRe[base + p] * scale;
                    double v = tileIm[base + p] * scale;
                    double ru = u + ToeplitzFft.ROUND;
                    double rv = v + ToeplitzFft.ROUND;
                    word |= (Double.doubleToRawLongBits(ru) & 1L) << (2 * p)
                            | (Double.doubleToRawLongBits(rv) & 1L) << (2 * p + 1);
                    bad |= !(Math.abs(u - (ru - ToeplitzFft.ROUND)) <= 0.25)
                            | !(Math.abs(v - (rv - ToeplitzFft.ROUND)) <= 0.25)
                            | !(Math.abs(u) < 0x1p50) | !(Math.abs(v) < 0x1p50);   // NaN fails too
                }
                deposit(yw, outBits, at, word, 2 * chunk);
            }
        }
        return !bad;
    }

    /** ORs bit k of {@code bits} (k &lt; count ≤ 64) into y[at + k], keeping only 0 ≤ at + k &lt; outBits. */
    static void deposit(long[] yw, int outBits, long at, long bits, int count) {
        if (at < 0) {
            bits >>>= -at;
            count += (int) at;
            at = 0;
        }
        count = (int) Math.min(count, outBits - at);
        if (count <= 0) {
            return;
        }
        if (count < 64) {
            bits &= (1L << count) - 1;
        }
        int word = (int) (at >>> 6);
        int shift = (int) (at & 63);
        yw[word] |= bits << shift;
        if (shift != 0 && shift + count > 64) {
            yw[word + 1] |= bits >>> (64 - shift);
        }
    }

    /** tile[t·W + b] = bit t·cols + c0 + b of bits if below count, else 0 (W ≤ 64 bits per row). */
    private void loadBits(double[] tile, BitString bits, int count, int c0, int cols, int rows, int width) {
        for (int t = 0; t < rows; t++) {
            int e = t * cols + c0;
            int valid = count - e;
            if (valid <= 0) {
                Arrays.fill(tile, t * width, rows * width, 0.0);   // this row and all below lie past the bits
                return;
            }
            long word = bits.window64(e);
            if (valid < 64) {
                word &= (1L << valid) - 1;
            }
            kernel.spreadBits(word, tile, t * width, width);
        }
    }

    /**
     * Columns [c0, c0 + W) of the folded rows into the tile, tile row t taking the row of
     * frequency frequencyAt(t); read in increasing address order (forward row by forward row),
     * which the prefetchers follow better than the tile's order.
     */
    private void loadFolded(double[] tileRe, double[] tileIm, double[] re, double[] im, int c0, int rows, int width) {
        int cols = 1 << rowLog;
        for (int p = 0; p < rows; p++) {
            int k1 = columns.frequencyAt(p);
            if (k1 > rows / 2) {
                continue;                          // this row's folded rows are kept in its partner's row
            }
            int at = p * cols + c0;
            System.arraycopy(re, at, tileRe, p * width, width);
            System.arraycopy(im, at, tileIm, p * width, width);
            if (k1 != 0 && k1 != rows / 2) {
                int t = columns.positionOf(rows - k1);
                System.arraycopy(re, at + cols / 2, tileRe, t * width, width);
                System.arraycopy(im, at + cols / 2, tileIm, t * width, width);
            }
        }
    }

    /**
     * Where the folded row (C/2 points) of frequency k1 is kept: both folded rows of a pair
     * k1 &lt; R/2 and R − k1 go into the forward row of k1, consumed in the same step, the first
     * half and the second half (k1 = 0 and R/2, their own partners, take the first half of their
     * row). So no second array is needed (the working set shrinks from 1.5 to 1 times 16·N bytes,
     * 28 MiB at 1.77·10^6 points), the folded rows land on lines just read (no fetch for the
     * store), and the forward rows of R − k1 are only ever read (never written back).
     */
    private int foldedAt(int k1) {
        int rows = columns.rows;
        int cols = 1 << rowLog;
        return k1 <= rows / 2 ? columns.positionOf(k1) * cols : columns.positionOf(rows - k1) * cols + cols / 2;
    }

    private static void store(double[] tileRe, double[] tileIm, double[] re, double[] im, int c0, int cols, int rows,
                              int width) {
        for (int t = 0; t < rows; t++) {
            System.arraycopy(tileRe, t * width, re, t * cols + c0, width);
            System.arraycopy(tileIm, t * width, im, t * cols + c0, width);
        }
    }
}
