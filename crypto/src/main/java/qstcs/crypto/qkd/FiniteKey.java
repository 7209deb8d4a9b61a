package qstcs.crypto.qkd;

/**
 * Step 7 (length): how many secret bits privacy amplification may output, by the finite-key
 * bound of Tomamichel, Lim, Gisin and Renner, "Tight finite-key analysis for quantum
 * cryptography", Nature Communications 3, 634 (2012), Eq. (2) with q = 1 (BB84):
 *
 * <pre>
 *   ℓ = ⌊ n·(1 − h(Q + μ)) − leak_EC − log2(2 / (ε_sec²·ε_cor)) ⌋,   ℓ &lt; 0 ⇒ 0
 *   μ = sqrt( (n + k)/(n·k) · (k + 1)/k · ln(4/ε_sec) )
 * </pre>
 *
 * where n is the number of key bits entering reconciliation (sifted minus sample), k the
 * sample size used to estimate Q, leak_EC every bit disclosed by error correction, and h the
 * binary entropy. μ is the statistical margin by which the true phase-error rate of the key
 * may exceed the sample's Q except with probability ≈ ε_sec. The verification tag (at most
 * log2(1/ε_cor) bits) is covered by the last term.
 *
 * <p>Checked against the paper: Eq. (2) has ln(4/ε_sec), not ln(2/ε_sec). It follows from
 * Supplementary Note 1, where μ(ε) = sqrt((n+k)/(nk)·(k+1)/k·ln(1/ε)) (Lemma 3, Serfling's bound)
 * and the secrecy budget 2ε + ε̃ ≤ ε_sec is split as ε = ε_sec/4, ε̃ = ε_sec/2 — the same
 * split turns the hashing term 2·log2(1/(2ε̃)) + log2(2/ε_cor) into log2(2/(ε_sec²·ε_cor)).
 *
 * <p>The bound is applied only below the abort threshold: for Q ≥ 11 % the length is 0.
 */
public final class FiniteKey {

    private FiniteKey() {
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

    /** The statistical margin μ(n, k, ε_sec) of the class comment. */
    public static double mu(long n, long k, double epsilonSec) {
        if (n <= 0 || k <= 0) {
            throw new IllegalArgumentException("n and k must be > 0, were " + n + " and " + k);
        }
        double nn = n;
        double kk = k;
        return Math.sqrt((nn + kk) / (nn * kk) * (kk + 1) / kk * Math.log(4.0 / epsilonSec));
    }

    /** The unrounded, unclamped bound (may be negative); exposed for tests. */
    static double rawLength(long n, long k, double qber, long leakEc, double epsilonSec, double epsilonCor) {
        double mu = mu(n, k, epsilonSec);
        return n * (1.0 - binaryEntropy(qber + mu)) - leakEc
                - log2(2.0 / (epsilonSec * epsilonSec * epsilonCor));
    }

    /** Secret key length ℓ ≥ 0 (0 when the bound is not positive or Q ≥ 11 %). */
    public static int secretLength(long n, long k, double qber, long leakEc, double epsilonSec, double epsilonCor) {
        if (n <= 0 || k <= 0 || qber >= LinkRound.ABORT_QBER) {
            return 0;
        }
        double l = Math.floor(rawLength(n, k, qber, leakEc, epsilonSec, epsilonCor));
        return l <= 0 ? 0 : (int) Math.min(l, n);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }
}
