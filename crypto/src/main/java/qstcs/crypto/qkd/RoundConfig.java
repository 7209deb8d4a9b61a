package qstcs.crypto.qkd;

/**
 * Parameters of one BB84 round, validated at creation.
 *
 * @param qubits           qubits Alice sends (1 .. 2^26)
 * @param noise            channel bit-flip probability e, in [0, 0.5]
 * @param eveInterceptRate fraction p of qubits Eve intercepts and resends, in [0, 1]
 * @param sampleFraction   expected share of test bits among sifted bits, in (0, 1): it sets the
 *                         biased basis choice (see {@code BasisChoice}; 10 % ⇒ p(×) = 1/4)
 * @param cascade          reconciliation variant
 * @param epsilonSec       secrecy parameter ε_sec, in (0, 1)
 * @param epsilonCor       correctness parameter ε_cor, in (0, 1)
 * @param traced           record per-qubit data (only for rounds of ≤ 4096 qubits)
 */
public record RoundConfig(int qubits, double noise, double eveInterceptRate, double sampleFraction,
                          CascadeVariant cascade, double epsilonSec, double epsilonCor, boolean traced) {

    /** Largest round the engine accepts (the NTT limit of privacy amplification). */
    public static final int MAX_QUBITS = 1 << 26;
    /** Largest traced round: the trace holds several arrays per qubit. */
    public static final int MAX_TRACED_QUBITS = 4096;

    public RoundConfig {
        if (qubits < 1 || qubits > MAX_QUBITS) {
            throw new IllegalArgumentException("qubits must be in [1, " + MAX_QUBITS + "], was " + qubits);
        }
        if (!(noise >= 0.0 && noise <= 0.5)) {
            throw new IllegalArgumentException("noise must be in [0, 0.5], was " + noise);
        }
        if (!(eveInterceptRate >= 0.0 && eveInterceptRate <= 1.0)) {
            throw new IllegalArgumentException("eveInterceptRate must be in [0, 1], was " + eveInterceptRate);
        }
        if (!(sampleFraction > 0.0 && sampleFraction < 1.0)) {
            throw new IllegalArgumentException("sampleFraction must be in (0, 1), was " + sampleFraction);
        }
        if (cascade == null) {
            throw new IllegalArgumentException("cascade variant must not be null");
        }
        if (!(epsilonSec > 0.0 && epsilonSec < 1.0)) {
            throw new IllegalArgumentException("epsilonSec must be in (0, 1), was " + epsilonSec);
        }
        if (!(epsilonCor > 0.0 && epsilonCor < 1.0)) {
            throw new IllegalArgumentException("epsilonCor must be in (0, 1), was " + epsilonCor);
        }
        if (traced && qubits > MAX_TRACED_QUBITS) {
            throw new IllegalArgumentException("traced rounds are limited to " + MAX_TRACED_QUBITS
                    + " qubits, was " + qubits);
        }
    }

    /** 65,536 qubits, 1 % noise, no Eve, 10 % sample, {@link CascadeVariant#fastest()}, ε_sec 1e-10, ε_cor 1e-15. */
    public static RoundConfig defaults() {
        return new RoundConfig(65_536, 0.01, 0.0, 0.10, CascadeVariant.fastest(), 1e-10, 1e-15, false);
    }

    public RoundConfig withQubits(int n) {
        return new RoundConfig(n, noise, eveInterceptRate, sampleFraction, cascade, epsilonSec, epsilonCor, traced);
    }

    public RoundConfig withNoise(double e) {
        return new RoundConfig(qubits, e, eveInterceptRate, sampleFraction, cascade, epsilonSec, epsilonCor, traced);
    }

    public RoundConfig withEve(double rate) {
        return new RoundConfig(qubits, noise, rate, sampleFraction, cascade, epsilonSec, epsilonCor, traced);
    }

    public RoundConfig withSampleFraction(double f) {
        return new RoundConfig(qubits, noise, eveInterceptRate, f, cascade, epsilonSec, epsilonCor, traced);
    }

    public RoundConfig withCascade(CascadeVariant c) {
        return new RoundConfig(qubits, noise, eveInterceptRate, sampleFraction, c, epsilonSec, epsilonCor, traced);
    }

    public RoundConfig withEpsilons(double sec, double cor) {
        return new RoundConfig(qubits, noise, eveInterceptRate, sampleFraction, cascade, sec, cor, traced);
    }

    public RoundConfig withTraced(boolean t) {
        return new RoundConfig(qubits, noise, eveInterceptRate, sampleFraction, cascade, epsilonSec, epsilonCor, t);
    }
}
