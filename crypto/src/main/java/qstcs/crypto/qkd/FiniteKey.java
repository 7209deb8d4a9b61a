package qstcs.crypto.qkd;

import java.util.OptionalDouble;

/**
 * Step 7 (length): how many secret bits privacy amplification may output, by the finite-key
 * bound of Tomamichel, Lim, Gisin and Renner, "Tight finite-key analysis for quantum
 * cryptography", Nature Communications 3, 634 (2012), Eq. (2) with q = 1 (BB84):
 *
 * <pre>
 *   ℓ = ⌊ n·(1 − h(Q_tol + μ)) − leak_EC − log2(2 / (ε²·ε_cor)) ⌋ − auth,   ℓ &lt; 0 ⇒ 0
 *   μ = sqrt( (n + k)/(n·k) · (k + 1)/k · ln(4/ε) ),   ε = ε_sec / 11
 * </pre>
 *
 * <ul>
 *   <li>n: key bits, the sifted bits of the key basis (+); k: test bits, the sifted bits of the
 *       other basis (×), all disclosed. μ is the margin by which the phase error of the n key
 *       bits may exceed the error rate of the k test bits except with probability ≈ ε (Serfling's
 *       bound, the paper's Supplementary Note 1). In the model there is no loss, so n and k
 *       depend on the basis choices only, never on Eve, and the bound holds given them.</li>
 *   <li>Q_tol: a tolerated QBER fixed in advance, not the observed one. The engine has eleven,
 *       1 %, 2 %, …, 11 % ({@link #toleratedQber}); a round uses the smallest that covers its
 *       estimate and aborts at or above 11 %. Because a round picks one of eleven protocols
 *       after seeing its data, each is run at ε = ε_sec/11 (a union bound over the bins), so
 *       the whole is ε_sec-secret whichever bin a round lands in.</li>
 *   <li>leak_EC: every bit disclosed by error correction (counted, not estimated). The
 *       verification tag, ⌈log2(1/ε_cor)⌉ ≤ log2(2/ε_cor) bits, is covered by the last term.</li>
 *   <li>auth: {@link #AUTHENTICATION_BITS}, the key the authenticated classical channel uses up
 *       each round (Wegman–Carter: a polynomial hash over GF(2^128), its 128-bit key fixed per
 *       link, each tag encrypted with 128 fresh one-time-pad bits; one tag per direction per
 *       round over that round's whole transcript of L 128-bit blocks, so a forgery succeeds with
 *       probability ≤ L/2^128 per tag: L ≈ 1,600 for a default round, &lt; 2^21 for the
 *       largest, so ≤ 2^-107).</li>
 * </ul>
 *
 * <p>Checked against the paper: Eq. (2) has ln(4/ε_sec), not ln(2/ε_sec). It follows from
 * Supplementary Note 1, where μ(ε) = sqrt((n+k)/(nk)·(k+1)/k·ln(1/ε)) (Lemma 3, Serfling's bound)
 * and the secrecy budget 2ε + ε̃ ≤ ε_sec is split as ε = ε_sec/4, ε̃ = ε_sec/2 — the same
 * split turns the hashing term 2·log2(1/(2ε̃)) + log2(2/ε_cor) into log2(2/(ε_sec²·ε_cor)).
 */
public final class FiniteKey {

    /** Number of tolerated-QBER bins: 1 %, 2 %, …, 11 %. */
    public static final int BINS = 11;
    /** Key bits the authenticated classical channel consumes per round: two 128-bit tag pads. */
    public static final int AUTHENTICATION_BITS = 2 * 128;

    private FiniteKey() {
    }

    /**
     * The tolerated QBER of a round whose test bits showed {@code errors} errors in {@code k}:
     * the smallest of 1 %, 2 %, …, 11 % at or above errors/k (compared exactly, in integers), or
     * empty when errors/k reaches the abort threshold of 11 % (or there are no test bits).
     */
    public static OptionalDouble toleratedQber(long errors, long k) {
        if (k <= 0 || errors < 0 || errors > k) {
            return OptionalDouble.empty();
        }
        if (errors * 100 >= (long) BINS * k) {
            return OptionalDouble.empty();
        }
        for (int percent = 1; percent <= BINS; percent++) {
            if (errors * 100 <= percent * k) {
                return OptionalDouble.of(percent / 100.0);
            }
        }
        return OptionalDouble.empty();
    }

    /** Binary entropy h(p) in bits; h(p) = 1 for p ≥ 1/2 (no secrecy left). */
    public static double binaryEntropy(double p) {
        if (p <= 0.0) {
            return 0.0;
        }
        if (p >= 0.5) {
            return 1.0;
        }
        return -p * log2(p) - (1 - p) * log2(1 - p);
    }

    /** The statistical margin μ(n, k, ε) of the class comment, for a given ε. */
    public static double mu(long n, long k, double epsilon) {
        if (n <= 0 || k <= 0) {
            throw new IllegalArgumentException("n and k must be > 0, were " + n + " and " + k);
        }
        double nn = n;
        double kk = k;
        return Math.sqrt((nn + kk) / (nn * kk) * (kk + 1) / kk * Math.log(4.0 / epsilon));
    }

    /** The share of ε_sec each bin runs at. */
    public static double binEpsilon(double epsilonSec) {
        return epsilonSec / BINS;
    }

    /** The bound before rounding, clamping and the authentication cost (may be negative); for tests. */
    static double rawLength(long n, long k, double toleratedQber, long leakEc, double epsilonSec, double epsilonCor) {
        double eps = binEpsilon(epsilonSec);
        return n * (1.0 - binaryEntropy(toleratedQber + mu(n, k, eps))) - leakEc
                - log2(2.0 / (eps * eps * epsilonCor));
    }

    /**
     * Secret key length ℓ ≥ 0 handed out by a round with tolerated QBER {@code toleratedQber}
     * (one of the bins), after the authentication cost; 0 when the bound leaves nothing.
     */
    public static int secretLength(long n, long k, double toleratedQber, long leakEc, double epsilonSec,
                                   double epsilonCor) {
        if (n <= 0 || k <= 0 || !(toleratedQber >= 0 && toleratedQber < 0.5)) {
            return 0;
        }
        double l = Math.floor(rawLength(n, k, toleratedQber, leakEc, epsilonSec, epsilonCor)) - AUTHENTICATION_BITS;
        return l <= 0 ? 0 : (int) Math.min(l, n);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }
}
