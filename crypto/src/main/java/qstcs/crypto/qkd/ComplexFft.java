package qstcs.crypto.qkd;

import java.util.Arrays;

/**
 * In-place complex FFT on split real/imaginary {@code double[]} arrays, shaped for convolution:
 * the forward transform is decimation in frequency (natural order in, bit-reversed out) and the
 * inverse decimation in time (bit-reversed in, natural order out, unscaled), so a pointwise
 * product between them needs no permutation pass at all.
 *
 * <p>Why it is shaped this way (measured on the project machine at 2<sup>21</sup> points, where
 * the previous radix-2 depth-first version spent ~3.6 ns per butterfly): radix-4 butterflies
 * do 3 complex multiplications per 4 points instead of 4 and halve the passes over the data;
 * complex products use {@link Math#fma}; and no stage walks the big arrays with a
 * power-of-two stride any more — large ranges are handled as a matrix whose column stages run
 * on a padded {@link Tile} of 16 rows × 512 columns (one trip through memory per four stages,
 * long enough rows for the hardware prefetcher), small ranges
 * (≤ 2^10 points, 16 KiB) in place in L1. One table {@code e^(−iπj/h)} at index h + j serves
 * every size up to 2^log.
 */
final class ComplexFft {

    /** Ranges up to 2^10 points (16 KiB of re + im) run all their stages in place, in L1. */
    private static final int BLOCK_LOG = 10;
    /** Larger ranges: a column pass does up to this many stages on 2^4-row tiles. */
    private static final int PASS_LOG = 4;

    /** log2 of the largest transform this table serves. */
    final int log;
    private final int size;
    private final double[] wr;   // wr[h + j] + i·wi[h + j] = e^(−iπj/h) for h a power of two < size
    private final double[] wi;
    private final Radix4Butterflies butterflies;

    /** The table for transforms up to 2^log points, with the fastest butterflies available. */
    ComplexFft(int log) {
        this(log, Radix4Butterflies.fastest());
    }

    ComplexFft(int log, Radix4Butterflies butterflies) {
        this.butterflies = butterflies;
        if (log < 0 || log > 30) {
            throw new IllegalArgumentException("transform size 2^" + log + " out of range");
        }
        this.log = log;
        this.size = 1 << log;
        wr = new double[Math.max(2, size)];
        wi = new double[wr.length];
        // The largest stage from cos/sin of one octant by exact symmetries (no drift, 4× fewer
        // calls); every smaller stage takes every other entry of the next larger one.
        int top = size >>> 1;
        if (top == 0) {
            return;
        }
        int eighth = top / 4;
        for (int j = 0; j < top; j++) {
            double c;
            double s;
            if (top < 4 || j <= eighth) {
                double angle = Math.PI * j / top;
                c = Math.cos(angle);
                s = Math.sin(angle);
            } else if (j <= top / 2) {             // angle = π/2 − φ
                c = -wi[top + top / 2 - j];
                s = wr[top + top / 2 - j];
            } else {                               // angle = π − φ
                c = -wr[top + top - j];
                s = -wi[top + top - j];
            }
            wr[top + j] = c;
            wi[top + j] = -s;
        }
        for (int h = top >>> 1; h >= 1; h >>>= 1) {
            for (int j = 0; j < h; j++) {
                wr[h + j] = wr[2 * h + 2 * j];
                wi[h + j] = wi[2 * h + 2 * j];
            }
        }
    }

    /**
     * The table e^(−iπj/h) at index h + j (real parts, then imaginary parts): the radix-4 roots
     * of a 4q-point stage are W = [2q + r], W² = [q + r]. For {@link FourStepConvolution}'s
     * column stages, which take one root per tile row.
     */
    double[] rootsRe() {
        return wr;
    }

    double[] rootsIm() {
        return wi;
    }

    /**
     * Forward DIF of {@code re/im[from, from + n)} in place, for a range that fits in L2 (the
     * rows of {@link FourStepConvolution}): stages above 2^10 points on the whole range, then
     * 2^10-point blocks in L1. An odd log starts with a radix-2 stage over all points, so the
     * blocks have even logs and no radix-4 stage is narrower than a vector (q = 2 would run scalar).
     */
    void forwardInPlace(double[] re, double[] im, int from, int n) {
        checkSize(n);
        int lg = Integer.numberOfTrailingZeros(n);
        if (lg % 2 == 1 && lg > 1) {
            int h = n >>> 1;
            butterflies.dif2(re, im, wr, wi, from, h, h, h);
            forwardInPlace(re, im, from, h);
            forwardInPlace(re, im, from + h, h);
        } else if (lg > BLOCK_LOG) {
            int q = n >>> 2;
            butterflies.dif(re, im, wr, wi, from, q, q, 0, q);
            for (int k = 0; k < 4; k++) {
                forwardInPlace(re, im, from + k * q, q);
            }
        } else {
            forward(re, im, from, n, null);
        }
    }

    /** The mirror of {@link #forwardInPlace}: inverse DIT of bit-reversed {@code re/im[from, from + n)}. */
    void inverseInPlace(double[] re, double[] im, int from, int n) {
        checkSize(n);
        int lg = Integer.numberOfTrailingZeros(n);
        if (lg % 2 == 1 && lg > 1) {
            int h = n >>> 1;
            inverseInPlace(re, im, from, h);
            inverseInPlace(re, im, from + h, h);
            butterflies.dit2(re, im, wr, wi, from, h, h, h);
        } else if (lg > BLOCK_LOG) {
            int q = n >>> 2;
            for (int k = 0; k < 4; k++) {
                inverseInPlace(re, im, from + k * q, q);
            }
            butterflies.dit(re, im, wr, wi, from, q, q, 0, q);
        } else {
            inverse(re, im, from, n, null);
        }
    }

    /** cos(2πm/n) for 0 ≤ m &lt; n/2, n a power of two ≤ 2^log. */
    double cos(int m, int n) {
        return wr[n / 2 + m];
    }

    /** sin(2πm/n) for 0 ≤ m &lt; n/2, n a power of two ≤ 2^log. */
    double sin(int m, int n) {
        return -wi[n / 2 + m];
    }

    /** Forward DIF transform of {@code re/im[0, n)}, n a power of two ≤ 2^log; output bit-reversed. */
    void forward(double[] re, double[] im, int n) {
        checkSize(n);
        forward(re, im, 0, n, n > 1 << BLOCK_LOG ? new Tile() : null);
    }

    /**
     * {@link #forward} of {@code re + i·im} where re[e] = bit {@code xFrom + e} of x for
     * e &lt; xCount and im[e] = bit {@code sFrom + e} of s for e &lt; sCount, everything else 0
     * (bits before a string's start or past its end read as 0). Large transforms read the bits
     * straight into the first column pass, saving a pass that writes and re-reads both arrays.
     */
    void forwardFromBits(double[] re, double[] im, int n, BitString x, int xFrom, int xCount,
                         BitString s, int sFrom, int sCount) {
        Tile tile = n > 1 << BLOCK_LOG ? new Tile() : null;
        int rows = forwardFirstPassFromBits(re, im, n, x, xFrom, xCount, s, sFrom, sCount, tile);
        for (int t = 0; t < rows; t++) {
            forwardRow(re, im, n, rows, t, tile);
        }
    }

    /**
     * The first part of {@link #forwardFromBits}: for a large n only the first column pass,
     * after which the result is {@code rows} independent rows of n/rows points, each to be
     * finished by {@link #forwardRow} (in any order: a caller can use each row while it is
     * still in cache); returns rows. A small n (≤ 2^10) is transformed whole here; returns 0.
     * {@code tile} may be null only for a small n.
     */
    int forwardFirstPassFromBits(double[] re, double[] im, int n, BitString x, int xFrom, int xCount,
                                 BitString s, int sFrom, int sCount, Tile tile) {
        checkSize(n);
        int lg = Integer.numberOfTrailingZeros(n);
        if (lg <= BLOCK_LOG) {
            spreadBits(x, xFrom, xCount, 0, re, 0, n);
            spreadBits(s, sFrom, sCount, 0, im, 0, n);
            forward(re, im, 0, n, null);
            return 0;
        }
        int k = Math.min(PASS_LOG, lg - BLOCK_LOG);
        int cols = n >>> k;
        for (int c0 = 0; c0 < cols; c0 += Tile.WIDTH) {
            tile.loadBits(x, xFrom, xCount, s, sFrom, sCount, c0, cols, 1 << k);
            tile.forwardStages(butterflies, wr, wi, k, cols, c0);
            tile.store(re, im, c0, cols, 1 << k);
        }
        return 1 << k;
    }

    /** Finishes row t of {@code rows} after {@link #forwardFirstPassFromBits}: positions [t·n/rows, (t+1)·n/rows). */
    void forwardRow(double[] re, double[] im, int n, int rows, int t, Tile tile) {
        int cols = n / rows;
        forward(re, im, t * cols, cols, tile);
    }

    /** out[at + i] = bit from + e0 + i of bits if 0 ≤ that and e0 + i &lt; count, else 0; i &lt; len. */
    static void spreadBits(BitString bits, int from, int count, int e0, double[] out, int at, int len) {
        int neg = Math.max(0, Math.min(len, -(from + e0)));
        int valid = Math.max(neg, Math.min(len, count - e0));
        Arrays.fill(out, at, at + neg, 0.0);
        for (int i = neg; i < valid; i += 64) {
            long w = bits.window64(from + e0 + i);   // bits past the end read as 0
            int end = Math.min(64, valid - i);
            for (int b = 0; b < end; b++) {
                out[at + i + b] = (w >>> b) & 1L;
            }
        }
        Arrays.fill(out, at + valid, at + len, 0.0);
    }

    /** Inverse DIT transform of bit-reversed {@code re/im[0, n)}; output natural order, times n. */
    void inverse(double[] re, double[] im, int n) {
        checkSize(n);
        inverse(re, im, 0, n, n > 1 << BLOCK_LOG ? new Tile() : null);
    }

    private void checkSize(int n) {
        if (n < 1 || Integer.bitCount(n) != 1 || n > size) {
            throw new IllegalArgumentException("transform size " + n + " is not a power of two <= " + size);
        }
    }

    /**
     * DIF on {@code [from, from + n)}. A large range is a matrix of 2^k rows by n/2^k columns:
     * its first k stages combine only elements of one column, so {@link Tile} copies 512 columns
     * at a time into a padded buffer (the rows are 2^j·8 bytes apart in the big array,
     * which would make every row compete for the same cache set), runs the k stages there,
     * and copies them back — one trip through memory for k stages. Each row is then an
     * independent smaller DIF.
     */
    private void forward(double[] re, double[] im, int from, int n, Tile tile) {
        int lg = Integer.numberOfTrailingZeros(n);
        if (lg > BLOCK_LOG) {
            int k = Math.min(PASS_LOG, lg - BLOCK_LOG);
            int cols = n >>> k;
            for (int c0 = 0; c0 < cols; c0 += Tile.WIDTH) {
                tile.load(re, im, from + c0, cols, 1 << k);
                tile.forwardStages(butterflies, wr, wi, k, cols, c0);
                tile.store(re, im, from + c0, cols, 1 << k);
            }
            for (int t = 0; t < 1 << k; t++) {
                forward(re, im, from + t * cols, cols, tile);
            }
            return;
        }
        int q = n >>> 2;
        for (; q >= 2; q >>>= 2) {
            difRadix4(re, im, from, from + n, q);
        }
        if (q == 1) {
            radix4Unit(re, im, from, from + n, 1.0);
        } else if (n >= 2) {
            radix2Unit(re, im, from, from + n);
        }
    }

    /** The mirror of {@link #forward(double[], double[], int, int, Tile)}: rows first, then columns. */
    private void inverse(double[] re, double[] im, int from, int n, Tile tile) {
        int lg = Integer.numberOfTrailingZeros(n);
        if (lg > BLOCK_LOG) {
            int k = Math.min(PASS_LOG, lg - BLOCK_LOG);
            int cols = n >>> k;
            for (int t = 0; t < 1 << k; t++) {
                inverse(re, im, from + t * cols, cols, tile);
            }
            for (int c0 = 0; c0 < cols; c0 += Tile.WIDTH) {
                tile.load(re, im, from + c0, cols, 1 << k);
                tile.inverseStages(butterflies, wr, wi, k, cols, c0);
                tile.store(re, im, from + c0, cols, 1 << k);
            }
            return;
        }
        int q = Integer.numberOfTrailingZeros(n) % 2 == 0 ? 1 : 2;   // smallest stage first
        if (q == 1 && n >= 4) {
            radix4Unit(re, im, from, from + n, -1.0);
            q = 4;
        } else if (q == 2) {
            radix2Unit(re, im, from, from + n);
            q = 2;
        }
        for (; 4 * q <= n; q <<= 2) {
            ditRadix4(re, im, from, from + n, q);
        }
    }

    /** Length-2 butterflies (twiddle 1) on neighbouring pairs. */
    private static void radix2Unit(double[] re, double[] im, int from, int to) {
        for (int a = from; a < to; a += 2) {
            double ur = re[a];
            double ui = im[a];
            double vr = re[a + 1];
            double vi = im[a + 1];
            re[a] = ur + vr;
            im[a] = ui + vi;
            re[a + 1] = ur - vr;
            im[a + 1] = ui - vi;
        }
    }

    /**
     * 4-point DFTs on consecutive quadruples (all twiddles 1). {@code sign} = +1 gives the
     * forward DIF output order (X0, X2, X1, X3); −1 the inverse DIT from that order.
     */
    private static void radix4Unit(double[] re, double[] im, int from, int to, double sign) {
        for (int a = from; a < to; a += 4) {
            double a0r = re[a];
            double a0i = im[a];
            double a1r = re[a + 1];
            double a1i = im[a + 1];
            double a2r = re[a + 2];
            double a2i = im[a + 2];
            double a3r = re[a + 3];
            double a3i = im[a + 3];
            if (sign > 0) {
                double t0r = a0r + a2r;
                double t0i = a0i + a2i;
                double t1r = a0r - a2r;
                double t1i = a0i - a2i;
                double t2r = a1r + a3r;
                double t2i = a1i + a3i;
                double t3r = a1i - a3i;        // (a1 − a3)·(−i)
                double t3i = a3r - a1r;
                re[a] = t0r + t2r;
                im[a] = t0i + t2i;
                re[a + 1] = t0r - t2r;
                im[a + 1] = t0i - t2i;
                re[a + 2] = t1r + t3r;
                im[a + 2] = t1i + t3i;
                re[a + 3] = t1r - t3r;
                im[a + 3] = t1i - t3i;
            } else {
                double sr = a2r + a3r;
                double si = a2i + a3i;
                double dr = a3i - a2i;         // i·(a2 − a3)
                double di = a2r - a3r;
                double pr = a0r + a1r;
                double pi = a0i + a1i;
                double mr = a0r - a1r;
                double mi = a0i - a1i;
                re[a] = pr + sr;
                im[a] = pi + si;
                re[a + 2] = pr - sr;
                im[a + 2] = pi - si;
                re[a + 1] = mr + dr;
                im[a + 1] = mi + di;
                re[a + 3] = mr - dr;
                im[a + 3] = mi - di;
            }
        }
    }

    private void difRadix4(double[] re, double[] im, int from, int to, int q) {
        for (int start = from; start < to; start += 4 * q) {
            butterflies.dif(re, im, wr, wi, start, q, q, 0, q);
        }
    }

    private void ditRadix4(double[] re, double[] im, int from, int to, int q) {
        for (int start = from; start < to; start += 4 * q) {
            butterflies.dit(re, im, wr, wi, start, q, q, 0, q);
        }
    }

    /**
     * A 2^k × 512 block of a large transform (k ≤ {@link #PASS_LOG}), held row by row with a
     * padded stride so no two rows share a cache set. In the big range, element (t, c) is at
     * t·cols + c; a DIF stage of half h·cols pairs rows t and t + h with the root index
     * j = (t mod h)·cols + c — so for a fixed row pair the 512 roots are contiguous in the table.
     */
    static final class Tile {
        static final int WIDTH = 512;
        private static final int STRIDE = WIDTH + 4;
        private final double[] re = new double[STRIDE << PASS_LOG];
        private final double[] im = new double[STRIDE << PASS_LOG];

        void load(double[] srcRe, double[] srcIm, int base, int cols, int rows) {
            for (int t = 0; t < rows; t++) {
                System.arraycopy(srcRe, base + t * cols, re, t * STRIDE, WIDTH);
                System.arraycopy(srcIm, base + t * cols, im, t * STRIDE, WIDTH);
            }
        }

        void loadBits(BitString x, int xFrom, int xCount, BitString s, int sFrom, int sCount,
                      int base, int cols, int rows) {
            for (int t = 0; t < rows; t++) {
                spreadBits(x, xFrom, xCount, base + t * cols, re, t * STRIDE, WIDTH);
                spreadBits(s, sFrom, sCount, base + t * cols, im, t * STRIDE, WIDTH);
            }
        }

        void store(double[] dstRe, double[] dstIm, int base, int cols, int rows) {
            for (int t = 0; t < rows; t++) {
                System.arraycopy(re, t * STRIDE, dstRe, base + t * cols, WIDTH);
                System.arraycopy(im, t * STRIDE, dstIm, base + t * cols, WIDTH);
            }
        }

        /** DIF stages of halves 2^(k−1)·cols … cols: radix-4 pairs, then a radix-2 if k is odd. */
        void forwardStages(Radix4Butterflies kernel, double[] tr, double[] ti, int k, int cols, int c0) {
            int rows = 1 << k;
            int qr = rows >>> 2;
            for (; qr >= 1; qr >>>= 2) {
                int q = qr * cols;
                for (int tb = 0; tb < rows; tb += 4 * qr) {
                    for (int r = 0; r < qr; r++) {
                        kernel.dif(re, im, tr, ti, (tb + r) * STRIDE, qr * STRIDE, q, r * cols + c0, WIDTH);
                    }
                }
            }
            if ((k & 1) == 1) {
                for (int t = 0; t < rows; t += 2) {
                    kernel.dif2(re, im, tr, ti, t * STRIDE, STRIDE, cols + c0, WIDTH);
                }
            }
        }

        /** DIT stages of halves cols … 2^(k−1)·cols: a radix-2 first if k is odd, then radix-4 pairs. */
        void inverseStages(Radix4Butterflies kernel, double[] tr, double[] ti, int k, int cols, int c0) {
            int rows = 1 << k;
            int qr = 1;
            if ((k & 1) == 1) {
                for (int t = 0; t < rows; t += 2) {
                    kernel.dit2(re, im, tr, ti, t * STRIDE, STRIDE, cols + c0, WIDTH);
                }
                qr = 2;
            }
            for (; 4 * qr <= rows; qr <<= 2) {
                int q = qr * cols;
                for (int tb = 0; tb < rows; tb += 4 * qr) {
                    for (int r = 0; r < qr; r++) {
                        kernel.dit(re, im, tr, ti, (tb + r) * STRIDE, qr * STRIDE, q, r * cols + c0, WIDTH);
                    }
                }
            }
        }
    }
}
