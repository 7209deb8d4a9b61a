package qstcs.crypto.qkd;

/**
 * The step between {@link ToeplitzFft}'s forward and inverse transforms: from the bit-reversed
 * spectrum Z of {@code z = x + i·s} to X·S, and the fold that lets the real product be inverted
 * at half size. Shared by the radix-4 path ({@link ComplexFft}) and the four-step path
 * ({@link FourStepConvolution}), which both produce Z in bit-reversed order.
 */
final class SpectrumFold {

    private SpectrumFold() {
    }

    /**
     * Z (bit-reversed) → X·S (bit-reversed), using X[N−k] = conj X[k] and likewise for S. In
     * bit-reversed order the partner of position p in [2^m, 2^(m+1)) is 3·2^m − 1 − p, so
     * both ends of each octave are walked towards the middle: sequential memory access.
     */
    static void multiplySpectra(double[] re, double[] im, double[] dRe, double[] dIm, int size, boolean add) {
        pairProduct(re, im, dRe, dIm, 0, 0, add);
        if (size > 1) {
            pairProduct(re, im, dRe, dIm, 1, 1, add);
        }
        for (int lo = 2; lo < size; lo <<= 1) {
            for (int pos = lo, pos2 = 2 * lo - 1; pos < pos2; pos++, pos2--) {
                pairProduct(re, im, dRe, dIm, pos, pos2, add);
            }
        }
    }

    /** P[pos] and P[pos2] = conj P[pos] into (or, with {@code add}, onto) dRe/dIm; in place is safe. */
    private static void pairProduct(double[] re, double[] im, double[] dRe, double[] dIm, int pos, int pos2,
                                    boolean add) {
        double ar = re[pos];
        double ai = im[pos];
        double br = re[pos2];
        double bi = im[pos2];
        double xr = 0.5 * (ar + br);
        double xi = 0.5 * (ai - bi);
        double sr = 0.5 * (ai + bi);
        double si = -0.5 * (ar - br);
        double pr = xr * sr - xi * si;
        double pi = xr * si + xi * sr;
        if (add) {
            pr += dRe[pos];
            pi += dIm[pos];
        }
        dRe[pos] = pr;
        dIm[pos] = pi;
        dRe[pos2] = pr;
        dIm[pos2] = -pi;
    }

    /** The fold's roots e^{2πi·rev(j)/N} as products from two small tables (see {@link #foldBelow}). */
    static final class FoldRoots {
        final double[] ar;                         // e^{2πi·rev(lo)·2^hiBits/N}
        final double[] ai;
        final double[] br;                         // e^{2πi·rev(hi)/N}
        final double[] bi;
        final int loBits;
        final int loMask;

        /** One set per transform size, built on first use (4·2^10 doubles at 2^21 points). */
        private static final FoldRoots[] CACHE = new FoldRoots[32];

        static FoldRoots forLog(int log) {
            synchronized (CACHE) {
                if (CACHE[log] == null) {
                    CACHE[log] = new FoldRoots(log);
                }
                return CACHE[log];
            }
        }

        private FoldRoots(int log) {
            int size = 1 << log;
            int bits = log - 1;                    // j ranges over [0, 2^bits)
            loBits = bits / 2;
            int hiBits = bits - loBits;
            int loCount = 1 << loBits;
            int hiCount = 1 << hiBits;
            loMask = loCount - 1;
            ar = new double[loCount];
            ai = new double[loCount];
            for (int lo = 0; lo < loCount; lo++) {
                int m = loBits == 0 ? 0 : (Integer.reverse(lo) >>> (32 - loBits)) << hiBits;
                ar[lo] = Math.cos(2 * Math.PI * m / size);
                ai[lo] = Math.sin(2 * Math.PI * m / size);
            }
            br = new double[hiCount];
            bi = new double[hiCount];
            for (int hi = 0; hi < hiCount; hi++) {
                int m = hiBits == 0 ? 0 : Integer.reverse(hi) >>> (32 - hiBits);
                br[hi] = Math.cos(2 * Math.PI * m / size);
                bi[hi] = Math.sin(2 * Math.PI * m / size);
            }
        }
    }

    /**
     * Z (bit-reversed) → the input of the half-size inverse, in one pass over the arrays: the
     * spectrum product {@code P = X·S} (plus {@code acc}, the sum of earlier blocks' products,
     * if given) and the real-output fold. The inverse of P is real, so it is done at half size:
     * with {@code E[k] = P[k] + P[k+N/2]} and {@code O[k] = (P[k] − P[k+N/2])·e^{2πik/N}}, the
     * size-N/2 inverse of {@code F = E + i·O} is {@code f[m] = c[2m] + i·c[2m+1]}. In
     * bit-reversed order P[k] and P[k+N/2] sit at positions 2j, 2j+1 (j = rev_{N/2}(k)) and
     * F[k] belongs at j.
     *
     * <p>Why one pass pays: at N = 2^21 each separate walk over re/im moves 32 MiB, a few ms
     * on this machine. The partner of position p ∈ [2^m, 2^(m+1)) (the one holding Z[N−k]) is
     * 3·2^m − 1 − p, so j and j' = 3·2^(m−1) − 1 − j (same octave of j) read each other's
     * partners: P[2j'] = conj P[2j+1] and P[2j'+1] = conj P[2j], which gives E' = conj E and
     * O' = conj O (the root of j' is −conj of j's: rev(j) + rev(j') = N/2). So each pair (j, j')
     * costs two products and one root, and walking every octave from both ends towards the
     * middle keeps all access sequential. Writing F[j] in place is safe because octaves are
     * done in increasing order: position j was read while doing the octave below.
     *
     * <p>The root e^{2πi·rev(j)/N} is a product from two small tables: splitting j's bits into
     * high and low parts, rev(j) = rev(lo)·2^hiBits + rev(hi).
     *
     * <p>This does every j &lt; jEnd (positions below 2·jEnd, a power of two): j = 0 and 1 on
     * their own, then each octave [h, 2h) by {@link #foldPairs}.
     */
    static void foldBelow(double[] re, double[] im, double[] accRe, double[] accIm, FoldRoots r,
                                  int jEnd) {
        boolean add = accRe != null;
        double[] p = new double[8];
        // j = 0 (positions 0 and 1, each its own partner, root 1) and j = 1 (positions 2 and 3,
        // each other's partners, root i): all four read before F[0], F[1] are written.
        int small = Math.min(2 * jEnd, 4);
        for (int pos = 0; pos < small; pos++) {
            int partner = pos < 2 ? pos : 5 - pos;
            double ur = re[pos];
            double ui = im[pos];
            double vr = re[partner];
            double vi = im[partner];
            double xr = 0.5 * (ur + vr);
            double xi = 0.5 * (ui - vi);
            double sr = 0.5 * (ui + vi);
            double si = -0.5 * (ur - vr);
            p[2 * pos] = xr * sr - xi * si + (add ? accRe[pos] : 0);
            p[2 * pos + 1] = xr * si + xi * sr + (add ? accIm[pos] : 0);
        }
        for (int j = 0; 2 * j < small; j++) {
            double cr = r.ar[j & r.loMask] * r.br[j >>> r.loBits] - r.ai[j & r.loMask] * r.bi[j >>> r.loBits];
            double ci = r.ar[j & r.loMask] * r.bi[j >>> r.loBits] + r.ai[j & r.loMask] * r.br[j >>> r.loBits];
            double er = p[4 * j] + p[4 * j + 2];
            double ei = p[4 * j + 1] + p[4 * j + 3];
            double dr = p[4 * j] - p[4 * j + 2];
            double di = p[4 * j + 1] - p[4 * j + 3];
            re[j] = er - (dr * ci + di * cr);      // F = E + i·O, O = D·c
            im[j] = ei + (dr * cr - di * ci);
        }
        for (int h = 2; h < jEnd; h <<= 1) {      // the octave j ∈ [h, 2h)
            foldPairs(re, im, accRe, accIm, r, h, h + h / 2, h);
        }
    }

    /**
     * The pairs (j, j' = 3h − 1 − j) for j in [jFrom, jTo), all in the lower half of the
     * octave [h, 2h): reads positions 2j, 2j + 1 and their partners 2j' + 1, 2j', writes F[j]
     * and F[j'].
     */
    static void foldPairs(double[] re, double[] im, double[] accRe, double[] accIm, FoldRoots r,
                          int jFrom, int jTo, int h) {
        foldPairs(re, im, 0, 0, re, im, accRe, accIm, r, jFrom, jTo, h);
    }

    /**
     * {@link #foldPairs} reading Z from other arrays: position 2j (and 2j + 1) at
     * {@code 2j − shiftA} of srcRe/srcIm, its partners 2j' + 1, 2j' at {@code − shiftB}. The
     * four-step path keeps the two rows of a pair in a small buffer, so the big arrays' lines
     * of the upper rows are only read, never dirtied (no write-back to memory).
     */
    static void foldPairs(double[] srcRe, double[] srcIm, int shiftA, int shiftB, double[] re, double[] im,
                          double[] accRe, double[] accIm, FoldRoots r, int jFrom, int jTo, int h) {
        boolean add = accRe != null;
        double[] ar = r.ar;
        double[] ai = r.ai;
        double[] br = r.br;
        double[] bi = r.bi;
        int loBits = r.loBits;
        int loMask = r.loMask;
        for (int j = jFrom, j2 = 3 * h - 1 - jFrom; j < jTo; j++, j2--) {
            int a = 2 * j - shiftA;
            int b = 2 * j2 - shiftB;
            double ar0 = srcRe[a];                 // Z at 2j, 2j + 1 and their partners 2j2 + 1, 2j2
            double ai0 = srcIm[a];
            double ar1 = srcRe[a + 1];
            double ai1 = srcIm[a + 1];
            double br0 = srcRe[b + 1];
            double bi0 = srcIm[b + 1];
            double br1 = srcRe[b];
            double bi1 = srcIm[b];
            double x0r = ar0 + br0;                // P = X·S with X = (u + conj v)/2, S = (u − conj v)/2i
            double x0i = ai0 - bi0;
            double s0r = ai0 + bi0;
            double s0i = br0 - ar0;
            double p0r = 0.25 * (x0r * s0r - x0i * s0i);
            double p0i = 0.25 * (x0r * s0i + x0i * s0r);
            double x1r = ar1 + br1;
            double x1i = ai1 - bi1;
            double s1r = ai1 + bi1;
            double s1i = br1 - ar1;
            double p1r = 0.25 * (x1r * s1r - x1i * s1i);
            double p1i = 0.25 * (x1r * s1i + x1i * s1r);
            if (add) {
                p0r += accRe[2 * j];
                p0i += accIm[2 * j];
                p1r += accRe[2 * j + 1];
                p1i += accIm[2 * j + 1];
            }
            int lo = j & loMask;
            int hi = j >>> loBits;
            double cr = ar[lo] * br[hi] - ai[lo] * bi[hi];
            double ci = ar[lo] * bi[hi] + ai[lo] * br[hi];
            double er = p0r + p1r;
            double ei = p0i + p1i;
            double dr = p0r - p1r;
            double di = p0i - p1i;
            double or = dr * cr - di * ci;
            double oi = dr * ci + di * cr;
            re[j] = er - oi;                       // F[j] = E + i·O
            im[j] = ei + or;
            re[j2] = er + oi;                      // F[j'] = conj E + i·conj O
            im[j2] = or - ei;
        }
    }

    /**
     * The fold in {@link FourStepConvolution}'s layout. Row A holds Z[k1 + R·rev_C(q)] at
     * column q (C = 2·half points from {@code a} in src), row B the same for k1' = R − k1 (from
     * {@code b}). So columns 2j and 2j + 1 of A hold Z[k] and Z[k + N/2] for k = k1 + R·rev_half(j),
     * and their partners Z[N − k], Z[N/2 − k] sit in B at columns C − 1 − 2j and C − 2 − 2j — the
     * same pattern as {@link #foldPairs} with j' = half − 1 − j. F[k] goes to column j of F row A
     * (at fa), F[N/2 − k] = conj E + i·conj O to column half − 1 − j of F row B (at fb). The
     * root e^{2πi·k/N} is (rowRe + i·rowIm) = e^{2πi·k1/N} times colRe/colIm[j] = e^{2πi·rev_half(j)/C}.
     * For a row that is its own partner (k1 = R/2: A = B) jEnd = half/2 covers it; else half.
     */
    static void foldRowPair(double[] srcRe, double[] srcIm, int a, int b, double[] fRe, double[] fIm, int fa, int fb,
                            int half, double rowRe, double rowIm, double[] colRe, double[] colIm, int jFrom, int jEnd) {
        int top = b + 2 * half - 1;
        for (int j = jFrom; j < jEnd; j++) {
            int pa = a + 2 * j;
            int pb = top - 2 * j;                  // column C − 1 − 2j of B
            double ar0 = srcRe[pa];
            double ai0 = srcIm[pa];
            double ar1 = srcRe[pa + 1];
            double ai1 = srcIm[pa + 1];
            double br0 = srcRe[pb];
            double bi0 = srcIm[pb];
            double br1 = srcRe[pb - 1];
            double bi1 = srcIm[pb - 1];
            double x0r = ar0 + br0;
            double x0i = ai0 - bi0;
            double s0r = ai0 + bi0;
            double s0i = br0 - ar0;
            double p0r = 0.25 * (x0r * s0r - x0i * s0i);
            double p0i = 0.25 * (x0r * s0i + x0i * s0r);
            double x1r = ar1 + br1;
            double x1i = ai1 - bi1;
            double s1r = ai1 + bi1;
            double s1i = br1 - ar1;
            double p1r = 0.25 * (x1r * s1r - x1i * s1i);
            double p1i = 0.25 * (x1r * s1i + x1i * s1r);
            double cr = rowRe * colRe[j] - rowIm * colIm[j];
            double ci = rowRe * colIm[j] + rowIm * colRe[j];
            double er = p0r + p1r;
            double ei = p0i + p1i;
            double dr = p0r - p1r;
            double di = p0i - p1i;
            double or = dr * cr - di * ci;
            double oi = dr * ci + di * cr;
            fRe[fa + j] = er - oi;                 // F = E + i·O
            fIm[fa + j] = ei + or;
            fRe[fb + half - 1 - j] = er + oi;      // conj E + i·conj O
            fIm[fb + half - 1 - j] = or - ei;
        }
    }
}
