package qstcs.crypto.qkd;

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
 * on a small padded {@link Tile} (one trip through memory for up to six stages), small ranges
 * (≤ 2^10 points, 16 KiB) in place in L1. One table {@code e^(−iπj/h)} at index h + j serves
 * every size up to 2^log.
 */
final class ComplexFft {

    /** Ranges up to 2^10 points (16 KiB of re + im) run all their stages in place, in L1. */
    private static final int BLOCK_LOG = 10;
    /** Larger ranges: a column pass does up to this many stages on 2^6-row tiles. */
    private static final int PASS_LOG = 6;

    /** log2 of the largest transform this table serves. */
    final int log;
    private final int size;
    private final double[] wr;   // wr[h + j] + i·wi[h + j] = e^(−iπj/h) for h a power of two < size
    private final double[] wi;

    ComplexFft(int log) {
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
        forward(re, im, 0, n, new Tile());
    }

    /** Inverse DIT transform of bit-reversed {@code re/im[0, n)}; output natural order, times n. */
    void inverse(double[] re, double[] im, int n) {
        checkSize(n);
        inverse(re, im, 0, n, new Tile());
    }

    private void checkSize(int n) {
        if (n < 1 || Integer.bitCount(n) != 1 || n > size) {
            throw new IllegalArgumentException("transform size " + n + " is not a power of two <= " + size);
        }
    }

    /**
     * DIF on {@code [from, from + n)}. A large range is a matrix of 2^k rows by n/2^k columns:
     * its first k stages combine only elements of one column, so {@link Tile} copies 16 columns
     * at a time into a small padded buffer (the rows are 2^j·8 bytes apart in the big array,
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
                tile.forwardStages(wr, wi, k, cols, c0);
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
                tile.inverseStages(wr, wi, k, cols, c0);
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

    /**
     * Two DIF radix-2 stages (half 2q, then q) fused: for each j &lt; q with W = e^(−2πij/4q),
     * t0 = a0 + a2, t1 = a0 − a2, t2 = a1 + a3, t3 = −i(a1 − a3), and
     * (a0, a1, a2, a3) ← (t0 + t2, (t0 − t2)·W², (t1 + t3)·W, (t1 − t3)·W³) — the same values,
     * in the same places, as the two radix-2 stages. W = wr/wi[2q + j], W² = [q + j]; W³ is
     * their product. The inner loop is contiguous in every array, so C2 vectorizes it (AVX2).
     */
    private void difRadix4(double[] re, double[] im, int from, int to, int q) {
        double[] tr = wr;
        double[] ti = wi;
        for (int start = from; start < to; start += 4 * q) {
            int b1 = start + q;
            int b2 = b1 + q;
            int b3 = b2 + q;
            for (int j = 0; j < q; j++) {
                double x0r = re[start + j];
                double x0i = im[start + j];
                double x1r = re[b1 + j];
                double x1i = im[b1 + j];
                double x2r = re[b2 + j];
                double x2i = im[b2 + j];
                double x3r = re[b3 + j];
                double x3i = im[b3 + j];
                double w1r = tr[2 * q + j];
                double w1i = ti[2 * q + j];
                double w2r = tr[q + j];
                double w2i = ti[q + j];
                double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
                double w3i = Math.fma(w1r, w2i, w1i * w2r);
                double t0r = x0r + x2r;
                double t0i = x0i + x2i;
                double t1r = x0r - x2r;
                double t1i = x0i - x2i;
                double t2r = x1r + x3r;
                double t2i = x1i + x3i;
                double t3r = x1i - x3i;
                double t3i = x3r - x1r;
                re[start + j] = t0r + t2r;
                im[start + j] = t0i + t2i;
                double br = t0r - t2r;
                double bi = t0i - t2i;
                re[b1 + j] = Math.fma(br, w2r, -(bi * w2i));
                im[b1 + j] = Math.fma(br, w2i, bi * w2r);
                double cr = t1r + t3r;
                double ci = t1i + t3i;
                re[b2 + j] = Math.fma(cr, w1r, -(ci * w1i));
                im[b2 + j] = Math.fma(cr, w1i, ci * w1r);
                double dr = t1r - t3r;
                double di = t1i - t3i;
                re[b3 + j] = Math.fma(dr, w3r, -(di * w3i));
                im[b3 + j] = Math.fma(dr, w3i, di * w3r);
            }
        }
    }

    /**
     * The inverse of {@link #difRadix4} up to the factor 4 (two DIT stages, half q then 2q, with
     * conjugate roots): p = a1·W̄², u2 = a2·W̄, u3 = a3·W̄³, and
     * (a0, a1, a2, a3) ← (a0 + p + u2 + u3, a0 − p + i(u2 − u3), a0 + p − u2 − u3, a0 − p − i(u2 − u3)).
     */
    private void ditRadix4(double[] re, double[] im, int from, int to, int q) {
        double[] tr = wr;
        double[] ti = wi;
        for (int start = from; start < to; start += 4 * q) {
            int b1 = start + q;
            int b2 = b1 + q;
            int b3 = b2 + q;
            for (int j = 0; j < q; j++) {
                double w1r = tr[2 * q + j];
                double w1i = -ti[2 * q + j];
                double w2r = tr[q + j];
                double w2i = -ti[q + j];
                double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
                double w3i = Math.fma(w1r, w2i, w1i * w2r);
                double x0r = re[start + j];
                double x0i = im[start + j];
                double x1r = re[b1 + j];
                double x1i = im[b1 + j];
                double x2r = re[b2 + j];
                double x2i = im[b2 + j];
                double x3r = re[b3 + j];
                double x3i = im[b3 + j];
                double pr = Math.fma(x1r, w2r, -(x1i * w2i));
                double pi = Math.fma(x1r, w2i, x1i * w2r);
                double u2r = Math.fma(x2r, w1r, -(x2i * w1i));
                double u2i = Math.fma(x2r, w1i, x2i * w1r);
                double u3r = Math.fma(x3r, w3r, -(x3i * w3i));
                double u3i = Math.fma(x3r, w3i, x3i * w3r);
                double sr = u2r + u3r;
                double si = u2i + u3i;
                double dr = u3i - u2i;             // i·(u2 − u3)
                double di = u2r - u3r;
                double er = x0r + pr;
                double ei = x0i + pi;
                double fr = x0r - pr;
                double fi = x0i - pi;
                re[start + j] = er + sr;
                im[start + j] = ei + si;
                re[b2 + j] = er - sr;
                im[b2 + j] = ei - si;
                re[b1 + j] = fr + dr;
                im[b1 + j] = fi + di;
                re[b3 + j] = fr - dr;
                im[b3 + j] = fi - di;
            }
        }
    }

    /**
     * A 2^k × 16 block of a large transform (k ≤ {@link #PASS_LOG}), held row by row with a
     * padded stride so no two rows share a cache set. In the big range, element (t, c) is at
     * t·cols + c; a DIF stage of half h·cols pairs rows t and t + h with the root index
     * j = (t mod h)·cols + c — so for a fixed row pair the 16 roots are contiguous in the table.
     */
    static final class Tile {
        static final int WIDTH = 16;
        private static final int STRIDE = WIDTH + 4;
        private final double[] re = new double[STRIDE << PASS_LOG];
        private final double[] im = new double[STRIDE << PASS_LOG];

        void load(double[] srcRe, double[] srcIm, int base, int cols, int rows) {
            for (int t = 0; t < rows; t++) {
                System.arraycopy(srcRe, base + t * cols, re, t * STRIDE, WIDTH);
                System.arraycopy(srcIm, base + t * cols, im, t * STRIDE, WIDTH);
            }
        }

        void store(double[] dstRe, double[] dstIm, int base, int cols, int rows) {
            for (int t = 0; t < rows; t++) {
                System.arraycopy(re, t * STRIDE, dstRe, base + t * cols, WIDTH);
                System.arraycopy(im, t * STRIDE, dstIm, base + t * cols, WIDTH);
            }
        }

        /** DIF stages of halves 2^(k−1)·cols … cols: radix-4 pairs, then a radix-2 if k is odd. */
        void forwardStages(double[] tr, double[] ti, int k, int cols, int c0) {
            int rows = 1 << k;
            int qr = rows >>> 2;
            for (; qr >= 1; qr >>>= 2) {
                int q = qr * cols;
                for (int tb = 0; tb < rows; tb += 4 * qr) {
                    for (int r = 0; r < qr; r++) {
                        difRows(tr, ti, (tb + r) * STRIDE, qr * STRIDE, q, r * cols + c0);
                    }
                }
            }
            if ((k & 1) == 1) {
                for (int t = 0; t < rows; t += 2) {
                    radix2Rows(tr, ti, t * STRIDE, STRIDE, cols + c0, 1.0);
                }
            }
        }

        /** DIT stages of halves cols … 2^(k−1)·cols: a radix-2 first if k is odd, then radix-4 pairs. */
        void inverseStages(double[] tr, double[] ti, int k, int cols, int c0) {
            int rows = 1 << k;
            int qr = 1;
            if ((k & 1) == 1) {
                for (int t = 0; t < rows; t += 2) {
                    radix2Rows(tr, ti, t * STRIDE, STRIDE, cols + c0, -1.0);
                }
                qr = 2;
            }
            for (; 4 * qr <= rows; qr <<= 2) {
                int q = qr * cols;
                for (int tb = 0; tb < rows; tb += 4 * qr) {
                    for (int r = 0; r < qr; r++) {
                        ditRows(tr, ti, (tb + r) * STRIDE, qr * STRIDE, q, r * cols + c0);
                    }
                }
            }
        }

        /** One radix-2 stage on rows p0 and p0 + d: DIF (sign +1) or DIT with conjugate roots (−1). */
        private void radix2Rows(double[] tr, double[] ti, int p0, int d, int w, double sign) {
            int p1 = p0 + d;
            for (int b = 0; b < WIDTH; b++) {
                double cr = tr[w + b];
                double ci = sign * ti[w + b];
                double ur = re[p0 + b];
                double ui = im[p0 + b];
                double vr = re[p1 + b];
                double vi = im[p1 + b];
                if (sign > 0) {
                    re[p0 + b] = ur + vr;
                    im[p0 + b] = ui + vi;
                    double dr = ur - vr;
                    double di = ui - vi;
                    re[p1 + b] = Math.fma(dr, cr, -(di * ci));
                    im[p1 + b] = Math.fma(dr, ci, di * cr);
                } else {
                    double xr = Math.fma(vr, cr, -(vi * ci));
                    double xi = Math.fma(vr, ci, vi * cr);
                    re[p0 + b] = ur + xr;
                    im[p0 + b] = ui + xi;
                    re[p1 + b] = ur - xr;
                    im[p1 + b] = ui - xi;
                }
            }
        }

        /** {@link ComplexFft#difRadix4} on rows p0, p0 + d, p0 + 2d, p0 + 3d; roots from j = w. */
        private void difRows(double[] tr, double[] ti, int p0, int d, int q, int w) {
            int p1 = p0 + d;
            int p2 = p1 + d;
            int p3 = p2 + d;
            for (int b = 0; b < WIDTH; b++) {
                double x0r = re[p0 + b];
                double x0i = im[p0 + b];
                double x1r = re[p1 + b];
                double x1i = im[p1 + b];
                double x2r = re[p2 + b];
                double x2i = im[p2 + b];
                double x3r = re[p3 + b];
                double x3i = im[p3 + b];
                double w1r = tr[2 * q + w + b];
                double w1i = ti[2 * q + w + b];
                double w2r = tr[q + w + b];
                double w2i = ti[q + w + b];
                double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
                double w3i = Math.fma(w1r, w2i, w1i * w2r);
                double t0r = x0r + x2r;
                double t0i = x0i + x2i;
                double t1r = x0r - x2r;
                double t1i = x0i - x2i;
                double t2r = x1r + x3r;
                double t2i = x1i + x3i;
                double t3r = x1i - x3i;
                double t3i = x3r - x1r;
                re[p0 + b] = t0r + t2r;
                im[p0 + b] = t0i + t2i;
                double br = t0r - t2r;
                double bi = t0i - t2i;
                re[p1 + b] = Math.fma(br, w2r, -(bi * w2i));
                im[p1 + b] = Math.fma(br, w2i, bi * w2r);
                double cr = t1r + t3r;
                double ci = t1i + t3i;
                re[p2 + b] = Math.fma(cr, w1r, -(ci * w1i));
                im[p2 + b] = Math.fma(cr, w1i, ci * w1r);
                double dr = t1r - t3r;
                double di = t1i - t3i;
                re[p3 + b] = Math.fma(dr, w3r, -(di * w3i));
                im[p3 + b] = Math.fma(dr, w3i, di * w3r);
            }
        }

        /** {@link ComplexFft#ditRadix4} on rows p0, p0 + d, p0 + 2d, p0 + 3d; roots from j = w. */
        private void ditRows(double[] tr, double[] ti, int p0, int d, int q, int w) {
            int p1 = p0 + d;
            int p2 = p1 + d;
            int p3 = p2 + d;
            for (int b = 0; b < WIDTH; b++) {
                double w1r = tr[2 * q + w + b];
                double w1i = -ti[2 * q + w + b];
                double w2r = tr[q + w + b];
                double w2i = -ti[q + w + b];
                double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
                double w3i = Math.fma(w1r, w2i, w1i * w2r);
                double x0r = re[p0 + b];
                double x0i = im[p0 + b];
                double x1r = re[p1 + b];
                double x1i = im[p1 + b];
                double x2r = re[p2 + b];
                double x2i = im[p2 + b];
                double x3r = re[p3 + b];
                double x3i = im[p3 + b];
                double pr = Math.fma(x1r, w2r, -(x1i * w2i));
                double pi = Math.fma(x1r, w2i, x1i * w2r);
                double u2r = Math.fma(x2r, w1r, -(x2i * w1i));
                double u2i = Math.fma(x2r, w1i, x2i * w1r);
                double u3r = Math.fma(x3r, w3r, -(x3i * w3i));
                double u3i = Math.fma(x3r, w3i, x3i * w3r);
                double sr = u2r + u3r;
                double si = u2i + u3i;
                double dr = u3i - u2i;
                double di = u2r - u3r;
                double er = x0r + pr;
                double ei = x0i + pi;
                double fr = x0r - pr;
                double fi = x0i - pi;
                re[p0 + b] = er + sr;
                im[p0 + b] = ei + si;
                re[p2 + b] = er - sr;
                im[p2 + b] = ei - si;
                re[p1 + b] = fr + dr;
                im[p1 + b] = fi + di;
                re[p3 + b] = fr - dr;
                im[p3 + b] = fi - di;
            }
        }
    }
}
