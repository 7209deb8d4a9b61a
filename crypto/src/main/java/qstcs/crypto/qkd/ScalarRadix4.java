package qstcs.crypto.qkd;

/** {@link Radix4Butterflies} in plain Java; complex products with {@link Math#fma}. */
final class ScalarRadix4 implements Radix4Butterflies {

    static final ScalarRadix4 INSTANCE = new ScalarRadix4();

    private ScalarRadix4() {
    }

    @Override
    public String description() {
        return "scalar";
    }

    /**
     * Scalar butterflies from {@code b = from} on; the vector kernels finish their tails here.
     */
    static void difFrom(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w,
                        int from, int count) {
        INSTANCE.dif(re, im, tr, ti, p0 + from, d, q, w + from, count - from);
    }

    static void ditFrom(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w,
                        int from, int count) {
        INSTANCE.dit(re, im, tr, ti, p0 + from, d, q, w + from, count - from);
    }

    @Override
    public void dif(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        for (int b = 0; b < count; b++) {
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

    @Override
    public void dit(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int q, int w, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        for (int b = 0; b < count; b++) {
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

    @Override
    public void dif2(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int w, int count) {
        int p1 = p0 + d;
        for (int b = 0; b < count; b++) {
            double cr = tr[w + b];
            double ci = ti[w + b];
            double ur = re[p0 + b];
            double ui = im[p0 + b];
            double vr = re[p1 + b];
            double vi = im[p1 + b];
            re[p0 + b] = ur + vr;
            im[p0 + b] = ui + vi;
            double dr = ur - vr;
            double di = ui - vi;
            re[p1 + b] = Math.fma(dr, cr, -(di * ci));
            im[p1 + b] = Math.fma(dr, ci, di * cr);
        }
    }

    @Override
    public void dit2(double[] re, double[] im, double[] tr, double[] ti, int p0, int d, int w, int count) {
        int p1 = p0 + d;
        for (int b = 0; b < count; b++) {
            double cr = tr[w + b];
            double ci = -ti[w + b];
            double ur = re[p0 + b];
            double ui = im[p0 + b];
            double vr = re[p1 + b];
            double vi = im[p1 + b];
            double xr = Math.fma(vr, cr, -(vi * ci));
            double xi = Math.fma(vr, ci, vi * cr);
            re[p0 + b] = ur + xr;
            im[p0 + b] = ui + xi;
            re[p1 + b] = ur - xr;
            im[p1 + b] = ui - xi;
        }
    }

    @Override
    public void difBroadcast(double[] re, double[] im, int p0, int d, double w1r, double w1i, double w2r,
                             double w2i, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
        double w3i = Math.fma(w1r, w2i, w1i * w2r);
        for (int b = 0; b < count; b++) {
            double x0r = re[p0 + b];
            double x0i = im[p0 + b];
            double x1r = re[p1 + b];
            double x1i = im[p1 + b];
            double x2r = re[p2 + b];
            double x2i = im[p2 + b];
            double x3r = re[p3 + b];
            double x3i = im[p3 + b];
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

    @Override
    public void ditBroadcast(double[] re, double[] im, int p0, int d, double w1r, double w1i0, double w2r,
                             double w2i0, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        int p3 = p2 + d;
        double w1i = -w1i0;
        double w2i = -w2i0;
        double w3r = Math.fma(w1r, w2r, -(w1i * w2i));
        double w3i = Math.fma(w1r, w2i, w1i * w2r);
        for (int b = 0; b < count; b++) {
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

    @Override
    public void twiddle(double[] srcRe, double[] srcIm, int a, double[] dstRe, double[] dstIm, int d,
                        double[] coarseRe, double[] coarseIm, int cf, double[] fineRe, double[] fineIm, int ff,
                        int fine, int count) {
        for (int c0 = 0; c0 < count; c0 += fine) {
            twiddleFrom(srcRe, srcIm, a + c0, dstRe, dstIm, d + c0, coarseRe[cf + c0 / fine],
                    coarseIm[cf + c0 / fine], fineRe, fineIm, ff, 0, fine);
        }
    }

    /** One coarse root's run of {@link #twiddle}, for b in [from, count); the vector kernel finishes its tails here. */
    static void twiddleFrom(double[] srcRe, double[] srcIm, int a, double[] dstRe, double[] dstIm, int d,
                            double ar, double ai, double[] br, double[] bi, int ff, int from, int count) {
        for (int b = from; b < count; b++) {
            double tr = Math.fma(ar, br[ff + b], -(ai * bi[ff + b]));
            double ti = Math.fma(ar, bi[ff + b], ai * br[ff + b]);
            double xr = srcRe[a + b];
            double xi = srcIm[a + b];
            dstRe[d + b] = Math.fma(xr, tr, -(xi * ti));
            dstIm[d + b] = Math.fma(xr, ti, xi * tr);
        }
    }

    /** √3/2: the imaginary part of the cube roots of unity. */
    static final double SIN_60 = 0.8660254037844386;

    @Override
    public void dif3Broadcast(double[] re, double[] im, int p0, int d, double w1r, double w1i, double w2r,
                              double w2i, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        for (int b = 0; b < count; b++) {
            double x0r = re[p0 + b];
            double x0i = im[p0 + b];
            double x1r = re[p1 + b];
            double x1i = im[p1 + b];
            double x2r = re[p2 + b];
            double x2i = im[p2 + b];
            double sr = x1r + x2r;
            double si = x1i + x2i;
            double ur = SIN_60 * (x1i - x2i);      // u = −i·(√3/2)·(x1 − x2)
            double ui = SIN_60 * (x2r - x1r);
            double tr = Math.fma(-0.5, sr, x0r);
            double ti = Math.fma(-0.5, si, x0i);
            re[p0 + b] = x0r + sr;
            im[p0 + b] = x0i + si;
            double ar = tr + ur;
            double ai = ti + ui;
            double br = tr - ur;
            double bi = ti - ui;
            re[p1 + b] = Math.fma(ar, w1r, -(ai * w1i));
            im[p1 + b] = Math.fma(ar, w1i, ai * w1r);
            re[p2 + b] = Math.fma(br, w2r, -(bi * w2i));
            im[p2 + b] = Math.fma(br, w2i, bi * w2r);
        }
    }

    @Override
    public void dit3Broadcast(double[] re, double[] im, int p0, int d, double w1r, double w1i, double w2r,
                              double w2i, int count) {
        int p1 = p0 + d;
        int p2 = p1 + d;
        for (int b = 0; b < count; b++) {
            double x0r = re[p0 + b];
            double x0i = im[p0 + b];
            double ar = re[p1 + b];
            double ai = im[p1 + b];
            double br = re[p2 + b];
            double bi = im[p2 + b];
            double x1r = Math.fma(ar, w1r, ai * w1i);  // x1·conj W
            double x1i = Math.fma(ai, w1r, -(ar * w1i));
            double x2r = Math.fma(br, w2r, bi * w2i);
            double x2i = Math.fma(bi, w2r, -(br * w2i));
            double sr = x1r + x2r;
            double si = x1i + x2i;
            double ur = SIN_60 * (x2i - x1i);      // u = +i·(√3/2)·(x1 − x2)
            double ui = SIN_60 * (x1r - x2r);
            double tr = Math.fma(-0.5, sr, x0r);
            double ti = Math.fma(-0.5, si, x0i);
            re[p0 + b] = x0r + sr;
            im[p0 + b] = x0i + si;
            re[p1 + b] = tr + ur;
            im[p1 + b] = ti + ui;
            re[p2 + b] = tr - ur;
            im[p2 + b] = ti - ui;
        }
    }

    /** The bits of 1.0: a set bit becomes (−1 & ONE), a clear one 0 — no int-to-double conversion. */
    static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

    @Override
    public void spreadBits(long word, double[] dst, int at, int count) {
        for (int b = 0; b < count; b++) {
            dst[at + b] = Double.longBitsToDouble(-((word >>> b) & 1L) & ONE_BITS);
        }
    }

    @Override
    public void foldRowPair(double[] srcRe, double[] srcIm, int a, int b, double[] fRe, double[] fIm, int fa, int fb,
                            int half, double rowRe, double rowIm, double[] colRe, double[] colIm, int jEnd) {
        SpectrumFold.foldRowPair(srcRe, srcIm, a, b, fRe, fIm, fa, fb, half, rowRe, rowIm, colRe, colIm, 0, jEnd);
    }
}
