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
 *
 * <p>Two shapes of transform: large single-block products (2<sup>18</sup> points and up) go
 * through {@link FourStepConvolution}, whose size need not be a power of two (1.77·10<sup>6</sup>
 * points at n = 10<sup>6</sup>, ℓ = 0.7n) and which crosses memory fewer times; everything
 * else through the radix-4 {@link ComplexFft}, with short outputs in several blocks.
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
        if (blocks == 1 && log >= FourStepConvolution.MIN_LOG && log <= FourStepConvolution.MAX_LOG) {
            return tryFourStep(x, seed, outBits, FourStepConvolution.forLength((long) n + outBits - 1, log));
        }
        ComplexFft fft = fftFor(log);
        double[][] scratch = scratch(size, blocks > 1 ? 4 : 2);
        double[] re = scratch[0];
        double[] im = scratch[1];
        double[] accRe = blocks > 1 ? scratch[2] : re;
        double[] accIm = blocks > 1 ? scratch[3] : im;
        SpectrumFold.FoldRoots roots = SpectrumFold.FoldRoots.forLog(log);
        if (blocks == 1) {
            forwardAndFold(fft, roots, re, im, log, x, seed, outBits);
        } else {
            for (int b = 0; b < blocks; b++) {
                int from = b * block;
                fft.forwardFromBits(re, im, size, x, from, Math.min(block, n - from),
                        seed, n - from - block, block + outBits - 1);
                if (b < blocks - 1) {
                    SpectrumFold.multiplySpectra(re, im, accRe, accIm, size, b > 0);
                }
            }
            SpectrumFold.foldBelow(re, im, accRe, accIm, roots, size / 2);
        }
        fft.inverse(re, im, size >>> 1);
        return roundToBits(re, im, 1.0 / size, block - 1, y) ? y : null;
    }

    /**
     * The product by {@link FourStepConvolution} (one block; its size must be ≥ n + ℓ − 1), or
     * null if some coefficient did not round unambiguously.
     */
    static BitString tryFourStep(BitString x, BitString seed, int outBits, FourStepConvolution conv) {
        int n = x.length();
        if ((long) n + outBits - 1 > conv.size) {
            throw new IllegalArgumentException(conv.size + " points are too few for n + l - 1 = "
                    + ((long) n + outBits - 1));
        }
        BitString y = new BitString(outBits);
        return conv.multiply(x, n, seed, n + outBits - 1, n - 1, y) ? y : null;
    }

    /** 1.5·2^52: adding it rounds any |v| < 2^51 to the nearest integer (ties to even, as rint). */
    static final double ROUND = 6755399441055744.0;

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
     * The forward transform of one block (all of x) with the product and fold done row by row
     * while each row is still in cache: after the first column pass the spectrum is rows of
     * n/rows points, and the pairs (j, j') of {@link SpectrumFold#foldBelow} lie in rows r and 3·2^a − 1 − r
     * (rows [2^a, 2^(a+1)) form one octave of positions). So rows 0 and 1 are finished and
     * folded first, then each mirrored pair of rows, octave by octave — the order that keeps
     * the in-place writes behind the reads (F of rows r, r' lands in rows r/2, r'/2, already
     * consumed). Saves reading the 32 MiB spectrum back from memory at N = 2^21.
     */
    private static void forwardAndFold(ComplexFft fft, SpectrumFold.FoldRoots roots, double[] re, double[] im, int log,
                                       BitString x, BitString seed, int outBits) {
        int size = 1 << log;
        int n = x.length();
        ComplexFft.Tile tile = new ComplexFft.Tile();
        int rows = fft.forwardFirstPassFromBits(re, im, size, x, 0, n, seed, 0, n + outBits - 1, tile);
        if (rows < 2) {                            // transformed whole already
            SpectrumFold.foldBelow(re, im, null, null, roots, size / 2);
            return;
        }
        int half = size / rows / 2;                // j values per row
        fft.forwardRow(re, im, size, rows, 0, tile);
        fft.forwardRow(re, im, size, rows, 1, tile);
        SpectrumFold.foldBelow(re, im, null, null, roots, 2 * half);
        for (int lo = 2; lo < rows; lo <<= 1) {
            for (int r = lo, r2 = 2 * lo - 1; r < r2; r++, r2--) {
                fft.forwardRow(re, im, size, rows, r, tile);
                fft.forwardRow(re, im, size, rows, r2, tile);
                SpectrumFold.foldPairs(re, im, null, null, roots, r * half, (r + 1) * half, lo * half);
            }
        }
    }
}
