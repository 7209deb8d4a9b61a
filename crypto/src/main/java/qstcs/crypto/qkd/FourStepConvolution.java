package qstcs.crypto.qkd;

import java.util.Arrays;

/**
 * {@link ToeplitzFft}'s convolution for one large block (2^18 points and up; 2^21 for
 * n = 10^6, ℓ = 0.7n) as a four-step FFT, shaped to cross main memory as few times as possible.
 *
 * <p>The N = R·C points form a matrix of R rows of C points (C ≤ 2^10, one L1 block). The
 * forward DIF is (1) an R-point DFT down every column, (2) a twiddle e^(−2πi·c·k1/N) on
 * element (row with k1 = rev_R(row), column c), (3) a C-point DFT along every row; its output
 * is in the same bit-reversed order as {@link ComplexFft#forward} (position p1·C + p2 holds
 * Z[rev_R(p1) + R·rev_C(p2)] = Z[rev_N(p)]). Step 1 runs on tiles of R rows × W columns
 * (512 KiB, in L2) filled straight from the input bits, and its only trip to memory is the
 * store. Steps 2–3 take one mirrored pair of rows at a time while it is in L1, then
 * {@link SpectrumFold} forms the product and the half-size fold from those two rows, and the
 * two folded rows are put through the inverse's own first steps (row DIT, conjugate twiddle)
 * at once. The inverse's last step is the column DIT on the same tiles. So each point
 * crosses memory about three times (store after step 1, load for the rows, the inverse's
 * column pass), against two or three trips per four stages of the radix-4 path.
 *
 * <p>Why not one big root table: the radix-4 path's first stages need a root per butterfly,
 * 32 MiB of table at 2^21 points, streamed like the data. Here the column DFTs need only
 * R-point roots (one per tile row, broadcast), the row DFTs C-point roots, and the twiddles
 * come from two tables of √N entries: e^(−2πi·m/N) = hi[m ≫ L]·lo[m mod 2^L], about 2 ulp,
 * which the error bound of {@link ToeplitzFft} covers (its constant is for twiddle error).
 */
final class FourStepConvolution {

    /** Smallest transform done this way; below it the radix-4 path's arrays stay in cache. */
    static final int MIN_LOG = 18;
    /** Largest transform: the column tile would be narrower than a vector beyond it. */
    static final int MAX_LOG = 22;
    /** Rows up to 2^12 points (64 KiB of re + im) are transformed in place, in L2. */
    private static final int MAX_ROW_LOG = 12;
    /** A column tile holds 2^15 points: 512 KiB of re + im, half the L2. */
    private static final int TILE_LOG = 15;
    /** Twiddles along a row: a fine table of this many roots times one coarse root per run. */
    private static final int FINE = 32;

    private static final FourStepConvolution[] CACHE = new FourStepConvolution[MAX_LOG + 1];

    final int log;
    private final int colLog;                      // columns have R = 2^colLog points
    private final int rowLog;                      // rows have C = 2^rowLog points
    private final int width;                       // tile width W (columns per tile)
    private final ComplexFft small;                // R- and C-point roots and in-L1 row transforms
    private final Radix4Butterflies kernel;
    private final double[] wr;
    private final double[] wi;
    private final int loLog;
    private final double[] loRe;                   // e^(−2πi·m/N), m < 2^loLog
    private final double[] loIm;
    private final double[] hiRe;                   // e^(−2πi·h·2^loLog/N)
    private final double[] hiIm;
    private final SpectrumFold.FoldRoots foldRoots;

    FourStepConvolution(int log, Radix4Butterflies kernel) {
        this(log, Integer.getInteger("qstcs.fft.colLog", (log - 1) / 2), kernel);
    }

    /** With columns of 2^colLog points (for tests and measurements; the default is (log − 1)/2). */
    FourStepConvolution(int log, int colLog, Radix4Butterflies kernel) {
        if (log < MIN_LOG || log > MAX_LOG || colLog < 2 || colLog > TILE_LOG - 2 || log - colLog > MAX_ROW_LOG) {
            throw new IllegalArgumentException("four-step transform 2^" + log + " as 2^" + colLog + " rows");
        }
        this.log = log;
        this.kernel = kernel;
        this.colLog = colLog;
        rowLog = log - colLog;
        width = 1 << Math.min(6, TILE_LOG - colLog);   // ≤ 64: loadBits spreads one word per row
        if (width > 1 << (rowLog - 1) || FINE > 1 << (rowLog - 1)) {
            throw new IllegalArgumentException("four-step transform 2^" + log + ": rows of 2^" + rowLog + " too short");
        }
        small = new ComplexFft(Math.max(colLog, rowLog), kernel);
        wr = small.rootsRe();
        wi = small.rootsIm();
        double size = 1 << log;
        loLog = (log + 1) / 2;
        loRe = new double[1 << loLog];
        loIm = new double[1 << loLog];
        for (int m = 0; m < loRe.length; m++) {
            loRe[m] = Math.cos(2 * Math.PI * m / size);
            loIm[m] = -Math.sin(2 * Math.PI * m / size);
        }
        hiRe = new double[1 << (log - loLog)];
        hiIm = new double[hiRe.length];
        for (int h = 0; h < hiRe.length; h++) {
            hiRe[h] = Math.cos(2 * Math.PI * ((long) h << loLog) / size);
            hiIm[h] = -Math.sin(2 * Math.PI * ((long) h << loLog) / size);
        }
        foldRoots = SpectrumFold.FoldRoots.forLog(log);
    }

    /** The instance for 2^log points with the fastest butterflies, built once per size. */
    static FourStepConvolution forLog(int log) {
        synchronized (CACHE) {
            if (CACHE[log] == null) {
                CACHE[log] = new FourStepConvolution(log, Radix4Butterflies.fastest());
            }
            return CACHE[log];
        }
    }

    /**
     * y[i] = parity of c[i + first] for i &lt; y.length(), where c is the cyclic convolution (2^log
     * points) of x's first xCount bits with s's first sCount bits; false if some coefficient did
     * not round unambiguously ({@link ToeplitzFft#roundToBits}). re and im (N points each) are
     * working space. y must be all zero.
     */
    boolean multiply(double[] re, double[] im, BitString x, int xCount, BitString s, int sCount, int first,
                     BitString y) {
        int rows = 1 << colLog;
        int cols = 1 << rowLog;
        int half = cols / 2;
        Work w = new Work(rows * width, cols);
        for (int c0 = 0; c0 < cols; c0 += width) {
            loadBits(w.tileRe, x, xCount, c0, cols, rows);
            loadBits(w.tileIm, s, sCount, c0, cols, rows);
            columnsDif(w.tileRe, w.tileIm, 0, rows);
            store(w.tileRe, w.tileIm, re, im, c0, cols, rows);
        }
        // Rows in the fold's order (SpectrumFold#foldPairs): 0 and 1 in place, then each
        // mirrored pair octave by octave in the row buffer; the folded rows land on rows
        // already consumed, and go through the inverse's row steps while still in cache.
        forwardRow(re, im, 0, re, im, 0, w);
        forwardRow(re, im, 1, re, im, cols, w);
        SpectrumFold.foldBelow(re, im, null, null, foldRoots, 2 * half);
        inverseRow(re, im, 0, w);
        inverseRow(re, im, 1, w);
        for (int lo = 2; lo < rows; lo <<= 1) {
            for (int r = lo, r2 = 2 * lo - 1; r < r2; r++, r2--) {
                forwardRow(re, im, r, w.rowRe, w.rowIm, 0, w);
                forwardRow(re, im, r2, w.rowRe, w.rowIm, cols, w);
                SpectrumFold.foldPairs(w.rowRe, w.rowIm, r * cols, r2 * cols - cols, re, im, null, null,
                        foldRoots, r * half, (r + 1) * half, lo * half);
                inverseRow(re, im, r, w);
                inverseRow(re, im, r2, w);
            }
        }
        double scale = 1.0 / (1L << log);
        boolean ok = true;
        for (int c0 = 0; c0 < half; c0 += width) {
            load(w.tileRe, w.tileIm, re, im, c0, half, rows);
            columnsDit(w.tileRe, w.tileIm, 0, rows);
            ok &= roundTile(w.tileRe, w.tileIm, c0, half, rows, scale, first, y);
        }
        return ok;
    }

    /** Per-call buffers: a column tile, two rows, the fine twiddles (small enough to allocate per product). */
    private static final class Work {
        final double[] tileRe;
        final double[] tileIm;
        final double[] rowRe;
        final double[] rowIm;
        final double[] fineRe = new double[FINE];
        final double[] fineIm = new double[FINE];

        Work(int tile, int cols) {
            tileRe = new double[tile];
            tileIm = new double[tile];
            rowRe = new double[2 * cols];
            rowIm = new double[2 * cols];
        }
    }

    /** Steps 2–3 of the forward transform: row p (C points) of re/im, twiddled into dst at d, transformed there. */
    private void forwardRow(double[] re, double[] im, int p, double[] dstRe, double[] dstIm, int d, Work w) {
        int cols = 1 << rowLog;
        twiddleRow(re, im, p * cols, dstRe, dstIm, d, cols, reverseRow(p), false, w);
        small.forwardInPlace(dstRe, dstIm, d, cols);
    }

    /** The inverse's first steps on folded row p (C/2 points): row DIT, conjugate twiddle (of N/2 points). */
    private void inverseRow(double[] re, double[] im, int p, Work w) {
        int half = 1 << (rowLog - 1);
        small.inverseInPlace(re, im, p * half, half);
        twiddleRow(re, im, p * half, re, im, p * half, half, 2 * reverseRow(p), true, w);   // e^(2πi·c·k1/(N/2))
    }

    /**
     * The inverse's output in the tile (row t holds m = t·cols + c0 + b, b &lt; W, i.e.
     * c[2m] = re, c[2m + 1] = im, times N) rounded into y: each row gives 2W consecutive
     * coefficients, so the output is written a word at a time without storing the tile back.
     */
    private boolean roundTile(double[] tileRe, double[] tileIm, int c0, int cols, int rows, double scale,
                              int first, BitString y) {
        long[] yw = y.words();
        int outBits = y.length();
        boolean bad = false;
        int chunk = Math.min(width, 32);           // 32 pairs = one 64-bit word of coefficients
        for (int t = 0; t < rows; t++) {
            for (int b0 = 0; b0 < width; b0 += chunk) {
                long c = 2L * (t * (long) cols + c0 + b0);
                long at = c - first;               // output index of coefficient c
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

    private int reverseRow(int p) {
        return Integer.reverse(p) >>> (32 - colLog);
    }

    /**
     * x[at + c] ·= e^(−2πi·step·c/N) (conjugated if {@code conj}) for c &lt; count, a multiple
     * of {@link #FINE}: the root is coarse(c − c mod FINE)·fine(c mod FINE), each from
     * {@link #root}, so a row costs FINE + count/FINE table products and one vector product per point.
     */
    private void twiddleRow(double[] re, double[] im, int at, double[] dstRe, double[] dstIm, int d, int count,
                            int step, boolean conj, Work w) {
        double[] fineRe = w.fineRe;
        double[] fineIm = w.fineIm;
        double sign = conj ? -1 : 1;
        for (int b = 0; b < FINE; b++) {
            int m = step * b;
            fineRe[b] = rootRe(m);
            fineIm[b] = sign * rootIm(m);
        }
        for (int c0 = 0; c0 < count; c0 += FINE) {
            int m = step * c0;
            kernel.twiddle(re, im, at + c0, dstRe, dstIm, d + c0, rootRe(m), sign * rootIm(m), fineRe, fineIm, FINE);
        }
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
     * The R-point DIF down the tile's columns (row t of the tile at t·W): the radix-4 stage of
     * the whole range, then each quarter depth-first, so the deeper stages run on sub-tiles
     * that fit in L1. Stage by stage the same arithmetic as {@link ComplexFft#forward}.
     */
    private void columnsDif(double[] tr, double[] ti, int from, int rows) {
        if (rows >= 4) {
            int q = rows >>> 2;
            for (int r = 0; r < q; r++) {
                kernel.difBroadcast(tr, ti, (from + r) * width, q * width,
                        wr[2 * q + r], wi[2 * q + r], wr[q + r], wi[q + r], width);
            }
            for (int k = 0; k < 4; k++) {
                columnsDif(tr, ti, from + k * q, q);
            }
        } else if (rows == 2) {
            butterfly2(tr, ti, from * width, width);
        }
    }

    /** The mirror of {@link #columnsDif}: quarters first, then the stage of the whole range. */
    private void columnsDit(double[] tr, double[] ti, int from, int rows) {
        if (rows >= 4) {
            int q = rows >>> 2;
            for (int k = 0; k < 4; k++) {
                columnsDit(tr, ti, from + k * q, q);
            }
            for (int r = 0; r < q; r++) {
                kernel.ditBroadcast(tr, ti, (from + r) * width, q * width,
                        wr[2 * q + r], wi[2 * q + r], wr[q + r], wi[q + r], width);
            }
        } else if (rows == 2) {
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

    /** tile[t·W + b] = bit t·cols + c0 + b of bits if below count, else 0 (W ≤ 64 bits per row). */
    private void loadBits(double[] tile, BitString bits, int count, int c0, int cols, int rows) {
        int w = width;
        for (int t = 0; t < rows; t++) {
            int e = t * cols + c0;
            int valid = count - e;
            if (valid <= 0) {
                Arrays.fill(tile, t * w, rows * w, 0.0);   // this row and all below lie past the bits
                return;
            }
            long word = bits.window64(e);
            if (valid < 64) {
                word &= (1L << valid) - 1;
            }
            int at = t * w;
            for (int b = 0; b < w; b++) {
                tile[at + b] = (word >>> b) & 1L;
            }
        }
    }

    private void load(double[] tileRe, double[] tileIm, double[] re, double[] im, int c0, int cols, int rows) {
        for (int t = 0; t < rows; t++) {
            System.arraycopy(re, t * cols + c0, tileRe, t * width, width);
            System.arraycopy(im, t * cols + c0, tileIm, t * width, width);
        }
    }

    private void store(double[] tileRe, double[] tileIm, double[] re, double[] im, int c0, int cols, int rows) {
        for (int t = 0; t < rows; t++) {
            System.arraycopy(tileRe, t * width, re, t * cols + c0, width);
            System.arraycopy(tileIm, t * width, im, t * cols + c0, width);
        }
    }
}
