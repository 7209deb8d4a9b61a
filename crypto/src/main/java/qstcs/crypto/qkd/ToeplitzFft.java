package qstcs.crypto.qkd;

import java.lang.ref.SoftReference;

/**
 * Toeplitz hashing through a floating-point FFT convolution — the fastest exact method here
 * for large products. With 0/1 inputs {@code c[m] = Σ_j s[m − j]·x[j]} is an integer ≤ n, so
 * rounding the FFT result gives it exactly and its parity is the GF(2) product. Every output
 * is checked to lie within 0.25 of an integer; if that ever failed, the product is recomputed
 * with the exact {@link ToeplitzNtt}.
 *
 * <p>Why doubles are enough: for a length-N convolution the FFT error is bounded by about
 * ‖x‖₂·‖s‖₂·u·c·log2 N (u = 2<sup>−53</sup>, c a small constant covering the twiddle-table
 * error; Percival, Math. Comp. 72, 2003). With 0/1 inputs, ‖x‖₂ ≤ √n and ‖s‖₂ ≤ √(n + ℓ), so
 * at n = 10<sup>6</sup>, ℓ = 0.7n, N = 2<sup>21</sup>: ≈ 1.3·10<sup>6</sup>·1.1·10<sup>−16</sup>·21·c
 * ≈ 3·10<sup>−9</sup>·c — many orders of magnitude below 1/4.
 * When a short output is computed in B blocks (below), the block spectra are summed before one
 * inverse, so the errors add: by Cauchy–Schwarz Σ‖x_b‖·‖s_b‖ ≤ √(n·B·N), ≈ 10<sup>6</sup> for
 * n = 10<sup>6</sup>, ℓ = n/70 (B = 9, N = 2<sup>17</sup>) — the same order as one big
 * transform. The 0.25 check stays as the guard.
 *
 * <p>Both real inputs ride in one complex transform ({@code z = x + i·s}); their spectra are
 * separated with {@code X[k] = (Z[k] + conj Z[N−k])/2}, {@code S[k] = (Z[k] − conj Z[N−k])/2i},
 * multiplied, and transformed back; the real result needs only a half-size inverse. The
 * forward transform's output is bit-reversed and the inverse takes it so ({@link ComplexFft}),
 * so no permutation pass is needed. Working arrays are kept per thread between calls.
 */
final class ToeplitzFft {

    static final int MAX_LOG = 26;

    /** The largest root table built so far (it serves every smaller size); softly held. */
    private static volatile SoftReference<ComplexFft> cachedFft = new SoftReference<>(null);
    /** Per-thread working arrays (re, im and, for blocks, two accumulators), reused across calls. */
    private static final ThreadLocal<SoftReference<double[][]>> SCRATCH =
            ThreadLocal.withInitial(() -> new SoftReference<>(null));

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
        int log = transformLog(n, outBits);
        if (log > MAX_LOG) {
            throw new IllegalArgumentException("Toeplitz product too large for the FFT: n + l - 1 = " + seed.length());
        }
        int size = 1 << log;
        int block = Math.min(n, size - outBits + 1);   // bits of x per block
        int blocks = (n + block - 1) / block;
        ComplexFft fft = fftFor(log);
        double[][] scratch = scratch(size, blocks > 1 ? 4 : 2);
        double[] re = scratch[0];
        double[] im = scratch[1];
        double[] accRe = blocks > 1 ? scratch[2] : re;
        double[] accIm = blocks > 1 ? scratch[3] : im;
        FoldRoots roots = new FoldRoots(log, fft);
        if (blocks == 1) {
            forwardAndFold(fft, roots, re, im, log, x, seed, outBits);
        } else {
            for (int b = 0; b < blocks; b++) {
                int from = b * block;
                fft.forwardFromBits(re, im, size, x, from, Math.min(block, n - from),
                        seed, n - from - block, block + outBits - 1);
                if (b < blocks - 1) {
                    multiplySpectra(re, im, accRe, accIm, size, b > 0);
                }
            }
            foldBelow(re, im, accRe, accIm, roots, size / 2);
        }
        fft.inverse(re, im, size >>> 1);
        return roundToBits(re, im, 1.0 / size, block - 1, y) ? y : null;
    }

    /** 1.5·2^52: adding it rounds any |v| < 2^51 to the nearest integer (ties to even, as rint). */
    private static final double ROUND = 6755399441055744.0;

    /**
     * y[i] = parity of c[i + first], where c[2m] = Re z[m] and c[2m+1] = Im z[m] (times
     * {@code scale}); false if some coefficient is not within 0.25 of an integer (or is not a
     * plausible size at all). Whole output words at a time, no branches: v + 1.5·2^52 holds
     * round(v) in its low mantissa bits, so its last bit is the parity, and subtracting the
     * constant back gives round(v) exactly. Consecutive outputs alternate between the two
     * arrays, so each word is 32 pairs (one value from each); the word and the verdict stay in
     * registers (a read-modify-write of y per bit would chain every iteration through memory).
     */
    static boolean roundToBits(double[] re, double[] im, double scale, int first, BitString y) {
        long[] yw = y.words();
        int outBits = y.length();
        boolean odd = (first & 1) == 1;
        double[] even = odd ? im : re;             // the array holding outputs 0, 2, 4, …
        double[] other = odd ? re : im;
        int shift = odd ? 1 : 0;                   // other[m + shift] follows even[m]
        boolean bad = false;
        int words = outBits >>> 6;
        for (int k = 0; k < words; k++) {
            int m = (64 * k + first) >>> 1;
            long w = 0;
            for (int p = 0; p < 32; p++) {
                double a = even[m + p] * scale;
                double b = other[m + p + shift] * scale;
                double ra = a + ROUND;
                double rb = b + ROUND;
                w |= (Double.doubleToRawLongBits(ra) & 1L) << (2 * p)
                        | (Double.doubleToRawLongBits(rb) & 1L) << (2 * p + 1);
                bad |= !(Math.abs(a - (ra - ROUND)) <= 0.25) | !(Math.abs(b - (rb - ROUND)) <= 0.25)
                        | !(Math.abs(a) < 0x1p50) | !(Math.abs(b) < 0x1p50);   // NaN fails too
            }
            yw[k] = w;
        }
        for (int i = 64 * words; i < outBits; i++) {
            int c = i + first;
            double v = ((c & 1) == 0 ? re[c >>> 1] : im[c >>> 1]) * scale;
            double r = v + ROUND;
            yw[i >>> 6] |= (Double.doubleToRawLongBits(r) & 1L) << i;
            bad |= !(Math.abs(v - (r - ROUND)) <= 0.25) | !(Math.abs(v) < 0x1p50);
        }
        return !bad;
    }

    /**
     * log2 of the transform size: the cheapest by {@link #cost} among sizes from about 2ℓ up to
     * the one that takes all of x at once. A short output does not need a transform longer
     * than the input: x is cut into blocks of N − ℓ + 1 bits, each block's product with its
     * seed window is transformed, the spectra are summed (the transform is linear) and one
     * inverse gives y. At n = 10^6, ℓ = n/70 that is nine 2^17-point transforms in place of
     * one 2^20-point transform and a 2^19-point inverse: fewer operations, and each fits in cache.
     */
    static int transformLog(int n, int outBits) {
        int full = Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long) n + outBits - 2)));
        int best = full;
        double bestCost = cost(n, outBits, full);
        for (int log = Math.max(1, 64 - Long.numberOfLeadingZeros(2L * outBits)); log < full; log++) {
            double c = cost(n, outBits, log);
            if (c < bestCost) {
                best = log;
                bestCost = c;
            }
        }
        return best;
    }

    /**
     * Estimated nanoseconds with a 2^log-point transform (measured on the project machine):
     * about 1.6 ns per radix-2 butterfly equivalent, N/2·log2 N of them per forward transform,
     * N/4·log2(N/2) for the half-size inverse, plus ~12 ns per point per block for spreading
     * the bits and the spectrum product.
     */
    static double cost(int n, int outBits, int log) {
        double size = Math.pow(2, log);
        long block = Math.min(n, (long) size - outBits + 1);
        if (block < 1) {
            return Double.POSITIVE_INFINITY;
        }
        long blocks = (n + block - 1) / block;
        double forward = 1.6 * size / 2 * log + 12 * size;
        double inverse = 1.6 * size / 4 * Math.max(0, log - 1) + 6 * size;
        return blocks * forward + inverse;
    }

    private static ComplexFft fftFor(int log) {
        ComplexFft fft = cachedFft.get();
        if (fft == null || fft.log < log) {
            fft = new ComplexFft(log);
            cachedFft = new SoftReference<>(fft);
        }
        return fft;
    }

    private static double[][] scratch(int size, int count) {
        double[][] s = SCRATCH.get().get();
        if (s == null || s.length < count || s[0].length < size) {
            s = new double[count][size];
            SCRATCH.set(new SoftReference<>(s));
        }
        return s;
    }

    /**
     * Z (bit-reversed) → X·S (bit-reversed), using X[N−k] = conj X[k] and likewise for S. In
     * bit-reversed order the partner of position p in [2^m, 2^(m+1)) is 3·2^m − 1 − p, so
     * both ends of each octave are walked towards the middle: sequential memory access.
     */
    private static void multiplySpectra(double[] re, double[] im, double[] dRe, double[] dIm, int size, boolean add) {
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
    private static final class FoldRoots {
        final double[] ar;                         // e^{2πi·rev(lo)·2^hiBits/N}
        final double[] ai;
        final double[] br;                         // e^{2πi·rev(hi)/N}
        final double[] bi;
        final int loBits;
        final int loMask;

        FoldRoots(int log, ComplexFft fft) {
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
                ar[lo] = fft.cos(m, size);
                ai[lo] = fft.sin(m, size);
            }
            br = new double[hiCount];
            bi = new double[hiCount];
            for (int hi = 0; hi < hiCount; hi++) {
                int m = hiBits == 0 ? 0 : Integer.reverse(hi) >>> (32 - hiBits);
                br[hi] = fft.cos(m, size);
                bi[hi] = fft.sin(m, size);
            }
        }
    }

    /**
     * The forward transform of one block (all of x) with the product and fold done row by row
     * while each row is still in cache: after the first column pass the spectrum is rows of
     * n/rows points, and the pairs (j, j') of {@link #foldBelow} lie in rows r and 3·2^a − 1 − r
     * (rows [2^a, 2^(a+1)) form one octave of positions). So rows 0 and 1 are finished and
     * folded first, then each mirrored pair of rows, octave by octave — the order that keeps
     * the in-place writes behind the reads (F of rows r, r' lands in rows r/2, r'/2, already
     * consumed). Saves reading the 32 MiB spectrum back from memory at N = 2^21.
     */
    private static void forwardAndFold(ComplexFft fft, FoldRoots roots, double[] re, double[] im, int log,
                                       BitString x, BitString seed, int outBits) {
        int size = 1 << log;
        int n = x.length();
        ComplexFft.Tile tile = new ComplexFft.Tile();
        int rows = fft.forwardFirstPassFromBits(re, im, size, x, 0, n, seed, 0, n + outBits - 1, tile);
        if (rows < 2) {                            // transformed whole already
            foldBelow(re, im, null, null, roots, size / 2);
            return;
        }
        int half = size / rows / 2;                // j values per row
        fft.forwardRow(re, im, size, rows, 0, tile);
        fft.forwardRow(re, im, size, rows, 1, tile);
        foldBelow(re, im, null, null, roots, 2 * half);
        for (int lo = 2; lo < rows; lo <<= 1) {
            for (int r = lo, r2 = 2 * lo - 1; r < r2; r++, r2--) {
                fft.forwardRow(re, im, size, rows, r, tile);
                fft.forwardRow(re, im, size, rows, r2, tile);
                foldPairs(re, im, null, null, roots, r * half, (r + 1) * half, lo * half);
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
    private static void foldBelow(double[] re, double[] im, double[] accRe, double[] accIm, FoldRoots r,
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
    private static void foldPairs(double[] re, double[] im, double[] accRe, double[] accIm, FoldRoots r,
                                  int jFrom, int jTo, int h) {
        boolean add = accRe != null;
        double[] ar = r.ar;
        double[] ai = r.ai;
        double[] br = r.br;
        double[] bi = r.bi;
        int loBits = r.loBits;
        int loMask = r.loMask;
        for (int j = jFrom, j2 = 3 * h - 1 - jFrom; j < jTo; j++, j2--) {
            double ar0 = re[2 * j];                // Z at 2j, 2j + 1 and their partners 2j2 + 1, 2j2
            double ai0 = im[2 * j];
            double ar1 = re[2 * j + 1];
            double ai1 = im[2 * j + 1];
            double br0 = re[2 * j2 + 1];
            double bi0 = im[2 * j2 + 1];
            double br1 = re[2 * j2];
            double bi1 = im[2 * j2];
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
}
