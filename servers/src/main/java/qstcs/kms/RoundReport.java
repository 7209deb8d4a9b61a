package qstcs.kms;

import qstcs.crypto.qkd.AbortReason;

/**
 * The statistics of one completed link round as the KMS publishes them (SSE {@code round}
 * events, metrics, status). Contains no key bits.
 *
 * @param round         sequence number since the KMS started
 * @param estimatedQber QBER estimated from the disclosed sample (what the protocol acts on)
 * @param trueQber      actual error rate of the sifted key (known only to a simulator)
 * @param abortReason   {@code NONE} or why the round produced no key
 * @param breach        the estimated QBER crossed the abort threshold
 * @param forced        run by the operator's force_attack with full intercept–resend
 * @param toleratedQber the pre-agreed QBER bin the key length was computed from (NaN if none)
 */
record RoundReport(long round, int qubits, int sifted, int sampleSize, double estimatedQber, double trueQber,
                   long leakEc, double efficiency, int finalBits, double durationMs, String abortReason,
                   boolean breach, boolean eveActive, double eveRate, boolean forced, double toleratedQber) {

    /** The status word for why the round made no key ({@code none} when it made one). */
    String reason() {
        return AbortReason.valueOf(abortReason).reason();
    }
}
