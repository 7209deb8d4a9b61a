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
        for (int b = 0; b < blocks; b++) {
            int from = b * block;
            fft.forwardFromBits(re, im, size, x, from, Math.min(block, n - from),
                    seed, n - from - block, block + outBits - 1);
            multiplySpectra(re, im, accRe, accIm, size, b > 0);
        }
        foldRealOutput(accRe, accIm, log, fft);
        fft.inverse(accRe, accIm, size >>> 1);
        long[] yw = y.words();
        double scale = 1.0 / size;
        for (int i = 0; i < outBits; i++) {
            int c = i + block - 1;                 // c[2m] = Re z[m], c[2m+1] = Im z[m]
            double v = ((c & 1) == 0 ? accRe[c >>> 1] : accIm[c >>> 1]) * scale;
            double r = Math.rint(v);
            if (Math.abs(v - r) > 0.25) {
                return null;
            }
            yw[i >>> 6] |= ((long) r & 1L) << i;
        }
        return y;
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

    /**
     * The product's inverse transform is real, so it is done at half size: with
     * {@code E[k] = P[k] + P[k+N/2]} and {@code O[k] = (P[k] − P[k+N/2])·e^{2πik/N}}, the
     * size-N/2 inverse of {@code Z = E + i·O} is {@code z[m] = c[2m] + i·c[2m+1]}. In
     * bit-reversed order P[k] and P[k+N/2] are neighbours (positions 2j, 2j+1 with
     * j = rev_{N/2}(k)) and Z[k] belongs at j, so this runs in place, front to back.
     *
     * <p>The root e^{2πi·rev(j)/N} is a product from two small tables: splitting j's bits into
     * high and low parts, rev(j) = rev(lo)·2^hiBits + rev(hi), so one complex multiplication per
     * point replaces an N/2-entry table (and its memory traffic).
     */
    private static void foldRealOutput(double[] re, double[] im, int log, ComplexFft fft) {
        int bits = log - 1;                        // j ranges over [0, 2^bits)
        int size = 1 << log;
        int loBits = bits / 2;
        int hiBits = bits - loBits;
        int loCount = 1 << loBits;
        int hiCount = 1 << hiBits;
        double[] ar = new double[loCount];         // e^{2πi·rev(lo)·2^hiBits/N}
        double[] ai = new double[loCount];
        for (int lo = 0; lo < loCount; lo++) {
            int m = loBits == 0 ? 0 : (Integer.reverse(lo) >>> (32 - loBits)) << hiBits;
            ar[lo] = fft.cos(m, size);
            ai[lo] = fft.sin(m, size);
        }
        for (int hi = 0; hi < hiCount; hi++) {
            int m = hiBits == 0 ? 0 : Integer.reverse(hi) >>> (32 - hiBits);
            double br = fft.cos(m, size);
            double bi = fft.sin(m, size);
            int base = hi << loBits;
            for (int lo = 0; lo < loCount; lo++) {
                int j = base + lo;
                double cr = ar[lo] * br - ai[lo] * bi;
                double ci = ar[lo] * bi + ai[lo] * br;
                double ur = re[2 * j];
                double ui = im[2 * j];
                double vr = re[2 * j + 1];
                double vi = im[2 * j + 1];
                double er = ur + vr;
                double ei = ui + vi;
                double dr = ur - vr;
                double di = ui - vi;
                double or = dr * cr - di * ci;
                double oi = dr * ci + di * cr;
                re[j] = er - oi;                   // Z = E + i·O
                im[j] = ei + or;
            }
        }
    }
}
