package qstcs.crypto.qkd;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Toeplitz hashing through an integer convolution: with 0/1 coefficients,
 * {@code c[m] = Σ_j s[m − j]·x[j]} counts at most n terms, so computing it exactly modulo the
 * prime p = 7·2<sup>26</sup> + 1 (p &gt; n) and taking it mod 2 gives the GF(2) product. The
 * hash output is {@code y[i] = c[i + n − 1]}. A cyclic convolution of length
 * N ≥ n + ℓ − 1 is enough: the wrap-around only lands on indices below n − 1, which the hash
 * does not use.
 *
 * <p>The transform is a radix-2 number-theoretic transform: forward decimation in frequency
 * (natural order in, bit-reversed out) and inverse decimation in time (bit-reversed in,
 * natural out), so no bit-reversal permutation is needed. Twiddle factors are precomputed
 * per size with Shoup's companion {@code w' = ⌊w·2^32/p⌋}, which turns each modular product
 * into two multiplications and a subtraction; values stay lazily in [0, 2p). Supports
 * N ≤ 2<sup>26</sup> (n + ℓ ≤ 67 million bits).
 */
final class ToeplitzNtt {

    static final int P = 469_762_049;          // 7 · 2^26 + 1, prime
    private static final int TWO_P = 2 * P;
    private static final int GENERATOR = 3;    // a primitive root modulo P
    static final int MAX_LOG = 26;
    private static final int CACHED_LOG = 20;

    private static final ConcurrentHashMap<Integer, Twiddles> TABLES = new ConcurrentHashMap<>();

    private ToeplitzNtt() {
    }

    static BitString multiply(BitString x, BitString seed, int outBits) {
        int n = x.length();
        BitString y = new BitString(outBits);
        if (outBits == 0 || n == 0) {
            return y;
        }
        int need = seed.length();
        int log = 32 - Integer.numberOfLeadingZeros(Math.max(1, need - 1));
        if (log > MAX_LOG || n >= P) {
            throw new IllegalArgumentException("Toeplitz product too large for the NTT: n + l - 1 = " + need);
        }
        int size = 1 << log;
        // Tables up to 2^20 entries (16 MiB) are kept; larger ones are built per call rather
        // than pinned in memory for the life of the process.
        Twiddles tw = log <= CACHED_LOG ? TABLES.computeIfAbsent(log, Twiddles::new) : new Twiddles(log);
        int[] a = spread(x, size);
        int[] b = spread(seed, size);
        forward(a, tw);
        forward(b, tw);
        for (int i = 0; i < size; i++) {
            a[i] = mulMod(a[i], b[i]);
        }
        inverse(a, tw);
        long[] yw = y.words();
        long scale = tw.invSize;
        for (int i = 0; i < outBits; i++) {
            long v = (a[i + n - 1] * scale) % P;
            yw[i >>> 6] |= (v & 1L) << i;
        }
        return y;
    }

    private static int[] spread(BitString bits, int size) {
        int[] out = new int[size];
        long[] w = bits.words();
        int len = bits.length();
        for (int i = 0; i < len; i++) {
            out[i] = (int) ((w[i >>> 6] >>> i) & 1L);
        }
        return out;
    }

    private static int mulMod(int a, int b) {
        return (int) (((long) a * b) % P);
    }

    /** Shoup product: w·x mod p in [0, 2p) for x &lt; 2^31 and precomputed ws = ⌊w·2^32/p⌋. */
    private static int mulShoup(int x, int w, int ws) {
        long q = ((long) x * (ws & 0xFFFF_FFFFL)) >>> 32;
        return (int) ((long) x * w - q * P);
    }

    /** Sub-transforms up to this many values (64 KiB) run to completion while cache-resident. */
    private static final int CACHE_BLOCK = 1 << 14;

    /** Decimation in frequency; input values in [0, p), output in [0, 2p), bit-reversed order. */
    static void forward(int[] a, Twiddles tw) {
        forward(a, 0, a.length, tw);
    }

    /**
     * DIF on {@code a[from, from + size)}: one butterfly stage over the whole range, then each
     * half is an independent DIF of half the size. Large ranges recurse (depth first, so the
     * halves are finished while they fit in cache); small ones run the stages in place.
     */
    private static void forward(int[] a, int from, int size, Twiddles tw) {
        int[] w = tw.fwd;
        int[] ws = tw.fwdShoup;
        if (size > CACHE_BLOCK) {
            int half = size >>> 1;
            difStage(a, from, from + size, half, w, ws);
            forward(a, from, half, tw);
            forward(a, from + half, half, tw);
            return;
        }
        for (int half = size >>> 1; half >= 1; half >>>= 1) {
            difStage(a, from, from + size, half, w, ws);
        }
    }

    private static void difStage(int[] a, int from, int to, int half, int[] w, int[] ws) {
        for (int start = from; start < to; start += 2 * half) {
            for (int j = 0; j < half; j++) {
                int u = a[start + j];
                int v = a[start + j + half];
                int sum = u + v - TWO_P;
                sum += (sum >> 31) & TWO_P;
                a[start + j] = sum;
                a[start + j + half] = mulShoup(u - v + TWO_P, w[half + j], ws[half + j]);
            }
        }
    }

    /** Decimation in time; bit-reversed input in [0, 2p), natural-order output in [0, p), unscaled. */
    static void inverse(int[] a, Twiddles tw) {
        inverse(a, 0, a.length, tw);
        for (int i = 0; i < a.length; i++) {
            int v = a[i] - P;
            a[i] = v + ((v >> 31) & P);
        }
    }

    private static void inverse(int[] a, int from, int size, Twiddles tw) {
        int[] w = tw.inv;
        int[] ws = tw.invShoup;
        if (size > CACHE_BLOCK) {
            int half = size >>> 1;
            inverse(a, from, half, tw);
            inverse(a, from + half, half, tw);
            ditStage(a, from, from + size, half, w, ws);
            return;
        }
        for (int half = 1; half < size; half <<= 1) {
            ditStage(a, from, from + size, half, w, ws);
        }
    }

    private static void ditStage(int[] a, int from, int to, int half, int[] w, int[] ws) {
        for (int start = from; start < to; start += 2 * half) {
            for (int j = 0; j < half; j++) {
                int u = a[start + j];
                int v = mulShoup(a[start + j + half], w[half + j], ws[half + j]);
                int s = u + v - TWO_P;
                int d = u - v;
                a[start + j] = s + ((s >> 31) & TWO_P);
                a[start + j + half] = d + ((d >> 31) & TWO_P);
            }
        }
    }

    /** Roots of unity for one transform size: entry half + j holds ω_{2·half}^j. */
    static final class Twiddles {
        final int[] fwd;
        final int[] fwdShoup;
        final int[] inv;
        final int[] invShoup;
        final long invSize;

        Twiddles(int log) {
            int size = 1 << log;
            fwd = new int[Math.max(2, size)];
            fwdShoup = new int[fwd.length];
            inv = new int[fwd.length];
            invShoup = new int[fwd.length];
            for (int half = 1; half < size; half <<= 1) {
                long root = pow(GENERATOR, (P - 1L) / (2L * half));
                long invRoot = pow(root, P - 2L);
                long w = 1;
                long wi = 1;
                for (int j = 0; j < half; j++) {
                    fwd[half + j] = (int) w;
                    fwdShoup[half + j] = (int) ((w << 32) / P);
                    inv[half + j] = (int) wi;
                    invShoup[half + j] = (int) ((wi << 32) / P);
                    w = w * root % P;
                    wi = wi * invRoot % P;
                }
            }
            invSize = pow(size, P - 2L);
        }
    }

    static long pow(long base, long exp) {
        long result = 1;
        long b = base % P;
        while (exp > 0) {
            if ((exp & 1) != 0) {
                result = result * b % P;
            }
            b = b * b % P;
            exp >>= 1;
        }
        return result;
    }
}
