package qstcs.crypto.qkd;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The inner loop of {@link ComplexFft}: {@code count} radix-4 butterflies on the points
 * {@code a + b, a + d + b, a + 2d + b, a + 3d + b} (b &lt; count) of split re/im arrays, with
 * roots W = e^(−2πij/4q) read from the table as W = (tr, ti)[2q + w + b], W² = [q + w + b]
 * and W³ = W·W².
 *
 * <p>DIF (forward): t0 = a0 + a2, t1 = a0 − a2, t2 = a1 + a3, t3 = −i(a1 − a3), and
 * (a0, a1, a2, a3) ← (t0 + t2, (t0 − t2)·W², (t1 + t3)·W, (t1 − t3)·W³) — the same values, in
 * the same places, as two radix-2 stages of halves 2q and q. DIT (inverse, conjugate roots):
 * p = a1·W̄², u2 = a2·W̄, u3 = a3·W̄³ and (a0, a1, a2, a3) ←
 * (a0 + p + u2 + u3, a0 − p + i(u2 − u3), a0 + p − u2 − u3, a0 − p − i(u2 − u3)).
 *
 * <p>Two implementations: {@link ScalarRadix4} (plain Java, always there) and
 * {@code VectorRadix4} (the incubating Vector API, four doubles per AVX2 instruction), used only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}. C2 does not
 * auto-vectorize these loops, and scalar Java is ~3× slower per butterfly here.
 */
interface Radix4Butterflies {

    void dif(double[] re, double[] im, double[] tr, double[] ti, int a, int d, int q, int w, int count);

    void dit(double[] re, double[] im, double[] tr, double[] ti, int a, int d, int q, int w, int count);

    /**
     * {@code count} radix-2 butterflies on {@code a + b, a + d + b} with roots
     * W = (tr, ti)[w + b]: DIF (a0, a1) ← (a0 + a1, (a0 − a1)·W). The odd stage of a column
     * pass; over a 2^21-point transform it touches every point, so it is worth a vector loop.
     */
    void dif2(double[] re, double[] im, double[] tr, double[] ti, int a, int d, int w, int count);

    /** The DIT mirror of {@link #dif2}: x = a1·W̄, (a0, a1) ← (a0 + x, a0 − x). */
    void dit2(double[] re, double[] im, double[] tr, double[] ti, int a, int d, int w, int count);

    /**
     * {@link #dif} with one root for all {@code count} butterflies, given as scalars
     * (W = w1, W² = w2): the column stages of {@link FourStepConvolution}, where a whole row of a
     * tile shares its root.
     */
    void difBroadcast(double[] re, double[] im, int a, int d, double w1r, double w1i, double w2r, double w2i,
                      int count);

    /** The DIT mirror of {@link #difBroadcast} (the roots given as for DIF; conjugated here). */
    void ditBroadcast(double[] re, double[] im, int a, int d, double w1r, double w1i, double w2r, double w2i,
                      int count);

    /**
     * {@code count} radix-3 DIF butterflies on {@code a + b, a + d + b, a + 2d + b} with one
     * root W = w1 (W² = w2) for all: (x0, x1, x2) ← (x0 + x1 + x2, (x0 + ω·x1 + ω²·x2)·W,
     * (x0 + ω²·x1 + ω·x2)·W²), ω = e^(−2πi/3). The factor 3 of {@link ColumnDft}'s lengths.
     */
    void dif3Broadcast(double[] re, double[] im, int a, int d, double w1r, double w1i, double w2r, double w2i,
                       int count);

    /** The adjoint of {@link #dif3Broadcast}: x1 ·= conj W, x2 ·= conj W², then the 3-point DFT with ω̄. */
    void dit3Broadcast(double[] re, double[] im, int a, int d, double w1r, double w1i, double w2r, double w2i,
                       int count);

    /**
     * dst[d + c] = src[a + c]·coarse[cf + c / fine]·fineRoots[ff + c mod fine] for c &lt; count
     * (re and im arrays each; count a multiple of fine; in place if arrays and offsets agree):
     * a twiddle built as the product of a coarse and a fine root, so no table of N roots is needed.
     */
    void twiddle(double[] srcRe, double[] srcIm, int a, double[] dstRe, double[] dstIm, int d,
                 double[] coarseRe, double[] coarseIm, int cf, double[] fineRe, double[] fineIm, int ff, int fine,
                 int count);

    /**
     * dst[at + b] = bit b of word as 0.0 or 1.0, for b &lt; count ≤ 64: the input bits of
     * {@link FourStepConvolution}'s first pass (a conversion per point, ~2·N of them).
     */
    void spreadBits(long word, double[] dst, int at, int count);

    /** {@link SpectrumFold#foldRowPair} for j in [0, jEnd); the vector kernel deinterleaves with lane shuffles. */
    void foldRowPair(double[] srcRe, double[] srcIm, int a, int b, double[] fRe, double[] fIm, int fa, int fb,
                     int half, double rowRe, double rowIm, double[] colRe, double[] colIm, int jEnd);

    /** A short name for benchmark output ("vector, 4 lanes" or "scalar"). */
    String description();

    /** The vector butterflies when the incubator module is present (and work), else the scalar ones. */
    static Radix4Butterflies fastest() {
        return Holder.FASTEST;
    }

    /** Resolved once: loading {@code VectorRadix4} without the module would fail, so it is loaded by name. */
    final class Holder {
        static final Radix4Butterflies FASTEST = load();

        private Holder() {
        }

        private static Radix4Butterflies load() {
            if (Boolean.getBoolean("qstcs.fft.scalar")
                    || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return ScalarRadix4.INSTANCE;
            }
            try {
                return (Radix4Butterflies) Class.forName("qstcs.crypto.qkd.VectorRadix4")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Logger.getLogger(Radix4Butterflies.class.getName()).log(Level.FINE,
                        "vector FFT butterflies unavailable, using scalar ones", e);
                return ScalarRadix4.INSTANCE;
            }
        }
    }
}
