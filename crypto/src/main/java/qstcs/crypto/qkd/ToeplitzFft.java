package qstcs.crypto.qkd;

/**
 * Toeplitz hashing through a floating-point FFT convolution — the fastest exact method here
 * for large products. With 0/1 inputs {@code c[m] = Σ_j s[m − j]·x[j]} is an integer ≤ n;
 * double-precision FFT convolution computes it with an error far below 1/2 (about
 * 10<sup>−9</sup> at n = 10<sup>6</sup>), so rounding gives it exactly and its parity is the
 * GF(2) product. Every output is checked to lie within 0.25 of an integer; if that ever
 * failed, the product is recomputed with the exact {@link ToeplitzNtt}.
 *
 * <p>Both real inputs ride in one complex transform ({@code z = x + i·s}); their spectra are
 * separated with {@code X[k] = (Z[k] + conj Z[N−k])/2}, {@code S[k] = (Z[k] − conj Z[N−k])/2i},
 * multiplied, and transformed back; the real result needs only a half-size inverse. That is
 * one and a half complex transforms instead of the NTT's three, each butterfly cheaper than a
 * modular one. As in the NTT, the forward transform is
 * decimation in frequency (bit-reversed output) and the inverse decimation in time, so no
 * permutation pass is needed, and large transforms recurse depth-first to stay in cache.
 */
final class ToeplitzFft {

    private static final int CACHE_BLOCK = 1 << 13;
    static final int MAX_LOG = 26;

    /** The most recently used twiddle table (one at a time keeps memory bounded). */
    private static volatile Twiddles cached;

    private ToeplitzFft() {
    }

    static BitString multiply(BitString x, BitString seed, int outBits) {
        BitString y = tryMultiply(x, seed, outBits);
        return y != null ? y : ToeplitzNtt.multiply(x, seed, outBits);   // never expected; exactness first
    }

    /** The FFT product, or null if some coefficient did not round unambiguously. */
    static BitString tryMultiply(BitString x, BitString seed, int outBits) {
        int n = x.length();
        BitString y = new BitString(outBits);
        if (outBits == 0 || n == 0) {
            return y;
        }
        int need = seed.length();
        int log = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, need - 1)));
        if (log > MAX_LOG) {
            throw new IllegalArgumentException("Toeplitz product too large for the FFT: n + l - 1 = " + need);
        }
        int size = 1 << log;
        Twiddles tw = cached;
        if (tw == null || tw.log != log) {
            tw = new Twiddles(log);
            cached = tw;
        }
        double[] re = new double[size];
        double[] im = new double[size];
        spread(x, re);
        spread(seed, im);
        forward(re, im, 0, size, tw);
        multiplySpectra(re, im, log);
        int half = size >>> 1;
        if (half >= 1) {
            foldRealOutput(re, im, log, tw);
            inverse(re, im, 0, half, tw);
        }
        long[] yw = y.words();
        double scale = 1.0 / size;
        for (int i = 0; i < outBits; i++) {
            int c = i + n - 1;                     // c[2m] = Re z[m], c[2m+1] = Im z[m]
            double v = ((c & 1) == 0 ? re[c >>> 1] : im[c >>> 1]) * scale;
            double r = Math.rint(v);
            if (Math.abs(v - r) > 0.25) {
                return null;
            }
            yw[i >>> 6] |= ((long) r & 1L) << i;
        }
        return y;
    }

    private static void spread(BitString bits, double[] out) {
        long[] w = bits.words();
        int len = bits.length();
        for (int i = 0; i < len; i++) {
            out[i] = (w[i >>> 6] >>> i) & 1L;
        }
    }

    /**
     * Z (bit-reversed) → X·S (bit-reversed), using X[N−k] = conj X[k] and likewise for S. In
     * bit-reversed order the partner of position p in [2^m, 2^(m+1)) is 3·2^m − 1 − p, so
     * both ends of each octave are walked towards the middle: sequential memory access.
     */
    private static void multiplySpectra(double[] re, double[] im, int log) {
        int size = re.length;
        pairProduct(re, im, 0, 0);
        if (size > 1) {
            pairProduct(re, im, 1, 1);
        }
        for (int lo = 2; lo < size; lo <<= 1) {
            for (int pos = lo, pos2 = 2 * lo - 1; pos < pos2; pos++, pos2--) {
                pairProduct(re, im, pos, pos2);
            }
        }
    }

    private static void pairProduct(double[] re, double[] im, int pos, int pos2) {
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
        re[pos] = pr;
        im[pos] = pi;
        re[pos2] = pr;
        im[pos2] = -pi;
    }

    /**
     * The product's inverse transform is real, so it is done at half size: with
     * {@code E[k] = P[k] + P[k+N/2]} and {@code O[k] = (P[k] − P[k+N/2])·e^{2πik/N}}, the
     * size-N/2 inverse of {@code Z = E + i·O} is {@code z[m] = c[2m] + i·c[2m+1]}. In
     * bit-reversed order P[k] and P[k+N/2] are neighbours (positions 2j, 2j+1 with
     * j = rev_{N/2}(k)) and Z[k] belongs at j, so this runs in place, front to back.
     */
    private static void foldRealOutput(double[] re, double[] im, int log, Twiddles tw) {
        int half = 1 << (log - 1);
        double[] fr = tw.foldRe;
        double[] fi = tw.foldIm;
        for (int j = 0; j < half; j++) {
            double ur = re[2 * j];
            double ui = im[2 * j];
            double vr = re[2 * j + 1];
            double vi = im[2 * j + 1];
            double er = ur + vr;
            double ei = ui + vi;
            double dr = ur - vr;
            double di = ui - vi;
            double cr = fr[j];                     // e^{+2πik/N}, k = rev(j), stored in j order
            double ci = fi[j];
            double or = dr * cr - di * ci;
            double oi = dr * ci + di * cr;
            re[j] = er - oi;                       // Z = E + i·O
            im[j] = ei + or;
        }
    }

    private static void forward(double[] re, double[] im, int from, int size, Twiddles tw) {
        if (size > CACHE_BLOCK) {
            int half = size >>> 1;
            difStage(re, im, from, from + size, half, tw);
            forward(re, im, from, half, tw);
            forward(re, im, from + half, half, tw);
            return;
        }
        for (int half = size >>> 1; half >= 1; half >>>= 1) {
            difStage(re, im, from, from + size, half, tw);
        }
    }

    private static void difStage(double[] re, double[] im, int from, int to, int half, Twiddles tw) {
        double[] wr = tw.re;
        double[] wi = tw.im;
        for (int start = from; start < to; start += 2 * half) {
            for (int j = 0; j < half; j++) {
                int a = start + j;
                int b = a + half;
                double ur = re[a];
                double ui = im[a];
                double vr = re[b];
                double vi = im[b];
                re[a] = ur + vr;
                im[a] = ui + vi;
                double dr = ur - vr;
                double di = ui - vi;
                double cr = wr[half + j];
                double ci = wi[half + j];
                re[b] = dr * cr - di * ci;
                im[b] = dr * ci + di * cr;
            }
        }
    }

    private static void inverse(double[] re, double[] im, int from, int size, Twiddles tw) {
        if (size > CACHE_BLOCK) {
            int half = size >>> 1;
            inverse(re, im, from, half, tw);
            inverse(re, im, from + half, half, tw);
            ditStage(re, im, from, from + size, half, tw);
            return;
        }
        for (int half = 1; half < size; half <<= 1) {
            ditStage(re, im, from, from + size, half, tw);
        }
    }

    private static void ditStage(double[] re, double[] im, int from, int to, int half, Twiddles tw) {
        double[] wr = tw.re;
        double[] wi = tw.im;
        for (int start = from; start < to; start += 2 * half) {
            for (int j = 0; j < half; j++) {
                int a = start + j;
                int b = a + half;
                double cr = wr[half + j];
                double ci = -wi[half + j];   // conjugate root for the inverse
                double vr = re[b] * cr - im[b] * ci;
                double vi = re[b] * ci + im[b] * cr;
                double ur = re[a];
                double ui = im[a];
                re[a] = ur + vr;
                im[a] = ui + vi;
                re[b] = ur - vr;
                im[b] = ui - vi;
            }
        }
    }

    /** Entry half + j holds exp(−iπ·j/half), computed directly (no recurrence drift). */
    static final class Twiddles {
        final int log;
        final double[] re;
        final double[] im;
        final double[] foldRe;   // e^{+2πi·rev(j)/N} for j < N/2, so the fold reads it in order
        final double[] foldIm;

        Twiddles(int log) {
            this.log = log;
            int size = 1 << log;
            re = new double[Math.max(2, size)];
            im = new double[re.length];
            // The largest stage from cos/sin of one octant and symmetry; smaller stages by stride.
            int top = size >>> 1;
            double[] c = new double[top + 1];
            double[] s = new double[top + 1];
            int eighth = Math.max(1, top / 4);
            for (int j = 0; j <= Math.min(eighth, top); j++) {
                double angle = Math.PI * j / top;
                c[j] = Math.cos(angle);
                s[j] = Math.sin(angle);
            }
            for (int j = eighth + 1; j <= top; j++) {
                if (j <= top / 2) {                 // angle in (π/4, π/2]: swap with the mirror
                    int k = top / 2 - j;
                    c[j] = s[k];
                    s[j] = c[k];
                } else {                            // angle in (π/2, π]: reflect
                    int k = top - j;
                    c[j] = -c[k];
                    s[j] = s[k];
                }
            }
            for (int half = 1; half <= top; half <<= 1) {
                int stride = top / half;
                for (int j = 0; j < half; j++) {
                    re[half + j] = c[j * stride];
                    im[half + j] = -s[j * stride];
                }
            }
            foldRe = new double[Math.max(1, top)];
            foldIm = new double[foldRe.length];
            int shift = 33 - log;
            for (int j = 0; j < top; j++) {
                int k = log == 1 ? 0 : Integer.reverse(j) >>> shift;
                foldRe[j] = c[k];
                foldIm[j] = s[k];
            }
        }
    }
}
