package qstcs.crypto.qkd;

import java.util.random.RandomGenerator;

/**
 * Step 7: privacy amplification by Toeplitz hashing. A random seed {@code s} of
 * {@code n + ℓ − 1} bits defines the ℓ×n Toeplitz matrix {@code T[i][j] = s[i − j + n − 1]};
 * the final key is {@code y = T·x} over GF(2). Toeplitz matrices form a 2-universal family,
 * so by the leftover hash lemma {@code y} is ε-close to uniform for Eve when ℓ is chosen by
 * {@link FiniteKey}. The seed is public (it is sent over the authenticated channel).
 *
 * <p>{@code y[i] = ⊕_j s[i + n − 1 − j]·x[j]} is the middle of the GF(2) convolution
 * {@code s * x}. Small products (and short outputs) use the word-parallel method (64 output
 * bits per XOR); large ones an integer convolution reduced mod 2, by {@link ToeplitzFft}
 * (double-precision FFT, checked to round exactly; short outputs in several cache-sized
 * blocks) or, beyond its size limit, {@link ToeplitzNtt} (exact modular arithmetic).
 */
final class PrivacyAmplification {

    /** The three ways to compute the product, cheapest first for large inputs. */
    enum Method { WORD_PARALLEL, FFT, NTT }

    /** Largest transform the FFT is used for (2^22 points, 64 MiB of doubles); beyond, the NTT. */
    static final int FFT_MAX_LOG = 22;

    /**
     * Cost model (nanoseconds, measured on the project machine): the word-parallel method does
     * about n/2 · ℓ/64 word XORs at ~0.5 ns; the FFT is estimated by {@link ToeplitzFft#cost}
     * at the transform size it would pick (short outputs use several small transforms); the
     * NTT, ~4.5 ns per modular butterfly, is only needed beyond the FFT's size limit.
     */
    static Method cheapest(int n, int outBits) {
        double wordParallel = 0.5 * (n / 2.0) * Math.ceil(outBits / 64.0);
        int fftLog = ToeplitzFft.transformLog(n, outBits);
        if (fftLog <= FFT_MAX_LOG) {
            return ToeplitzFft.cost(n, outBits, fftLog) < wordParallel ? Method.FFT : Method.WORD_PARALLEL;
        }
        int log = 64 - Long.numberOfLeadingZeros(Math.max(1L, (long) n + outBits - 2));
        double size = Math.pow(2, log);
        double ntt = 4.5 * 3 * (size / 2) * log + 20 * size;
        return ntt < wordParallel ? Method.NTT : Method.WORD_PARALLEL;
    }

    private PrivacyAmplification() {
    }

    /** Hashes {@code key} to {@code outBits} bits with a fresh seed drawn from {@code rng}. */
    static BitString amplify(BitString key, int outBits, RandomGenerator rng) {
        BitString seed = BitString.random(seedLength(key.length(), outBits), rng);
        return toeplitz(key, seed, outBits);
    }

    static int seedLength(int n, int outBits) {
        return outBits == 0 ? 0 : n + outBits - 1;
    }

    /** T(seed)·x with {@code outBits} output bits; picks the faster method. */
    static BitString toeplitz(BitString x, BitString seed, int outBits) {
        checkSizes(x, seed, outBits);
        return switch (cheapest(x.length(), outBits)) {
            case WORD_PARALLEL -> toeplitzWordParallel(x, seed, outBits);
            case FFT -> ToeplitzFft.multiply(x, seed, outBits);
            case NTT -> ToeplitzNtt.multiply(x, seed, outBits);
        };
    }

    /**
     * For every set bit {@code j} of x, XOR the ℓ-bit window of the seed starting at
     * {@code n − 1 − j} into y: 64 output bits per operation, O(n·ℓ/64). Set bits are taken in
     * 64 classes by the window's offset modulo 64; for each class the seed is shifted once,
     * so the inner loop is a plain aligned XOR of two arrays (which the JIT vectorizes).
     */
    static BitString toeplitzWordParallel(BitString x, BitString seed, int outBits) {
        checkSizes(x, seed, outBits);
        int n = x.length();
        BitString y = new BitString(outBits);
        if (outBits == 0 || n == 0) {
            return y;
        }
        long[] yw = y.words();
        int yLen = yw.length;
        long[] xw = x.words();
        if (yLen == 1) {
            // Short tags (verification): one unaligned window per set bit beats shifting the seed 64 times.
            for (int w = 0; w < xw.length; w++) {
                for (long bits = xw[w]; bits != 0; bits &= bits - 1) {
                    int j = (w << 6) + Long.numberOfTrailingZeros(bits);
                    yw[0] ^= seed.window64(n - 1 - j);
                }
            }
            y.clearTail();
            return y;
        }
        long[] shifted = new long[seed.words().length + 1];
        for (int sh = 0; sh < 64; sh++) {
            int c = (n - 1 - sh) & 63;                 // bit position inside x's words for this class
            if (c > n - 1) {
                continue;
            }
            boolean any = false;
            for (long w : xw) {
                any |= ((w >>> c) & 1L) != 0;
            }
            if (!any) {
                continue;
            }
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] = seed.window64(sh + 64 * i);
            }
            int top = (n - 1 - c) >>> 6;               // word offset of the window for j = c
            for (int m = 0; m < xw.length; m++) {
                if (((xw[m] >>> c) & 1L) == 0 || c + 64 * m > n - 1) {
                    continue;
                }
                int base = top - m;
                for (int i = 0; i < yLen; i++) {
                    yw[i] ^= shifted[base + i];
                }
            }
        }
        y.clearTail();
        return y;
    }

    private static void checkSizes(BitString x, BitString seed, int outBits) {
        if (outBits < 0) {
            throw new IllegalArgumentException("output length must be >= 0, was " + outBits);
        }
        if (seed.length() != seedLength(x.length(), outBits)) {
            throw new IllegalArgumentException("seed must have n + l - 1 = " + seedLength(x.length(), outBits)
                    + " bits, had " + seed.length());
        }
    }
}
