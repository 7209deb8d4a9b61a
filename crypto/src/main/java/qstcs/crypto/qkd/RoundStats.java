package qstcs.crypto.qkd;

import java.time.Duration;

/**
 * Statistics of one round (no key material).
 *
 * @param qubits        qubits sent
 * @param sifted        bits kept after sifting
 * @param sampleSize    test bits: sifted bits of the test basis, all disclosed
 * @param estimatedQber error fraction of the test bits
 * @param trueQber      error fraction of the key bits entering reconciliation (known only to
 *                      the simulator; NaN when the round stopped before)
 * @param leakEc        parity bits disclosed by Cascade
 * @param efficiency    f = leak_EC / (n·h(Q)) with Q the true QBER of those n bits (NaN when
 *                      undefined)
 * @param finalLength   bits of final key ℓ, after the authentication cost
 * @param duration      wall-clock time of the round
 * @param abortReason   why no key was produced, or NONE
 * @param eveActive     whether an eavesdropper acted on this round's qubits
 * @param toleratedQber the pre-agreed QBER bin ℓ was computed from (NaN when the round stopped
 *                      before, or aborted above the last bin)
 */
public record RoundStats(int qubits, int sifted, int sampleSize, double estimatedQber, double trueQber,
                         long leakEc, double efficiency, int finalLength, Duration duration,
                         AbortReason abortReason, boolean eveActive, double toleratedQber) {

    public boolean aborted() {
        return abortReason != AbortReason.NONE;
    }

    /** An abort that signals a possible eavesdropper (the link goes RED). */
    public boolean breach() {
        return abortReason == AbortReason.QBER_ABOVE_THRESHOLD;
    }
}
