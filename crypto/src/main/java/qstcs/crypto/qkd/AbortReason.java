package qstcs.crypto.qkd;

/** Why a round produced no key ({@link #NONE} when it did), with the word status messages use. */
public enum AbortReason {
    /** The round produced key bits. */
    NONE(qstcs.crypto.link.LinkStatus.NO_REASON),
    /** Estimated QBER ≥ {@link LinkRound#ABORT_QBER}: a possible eavesdropper (a breach). */
    QBER_ABOVE_THRESHOLD("qber_above_threshold"),
    /** The verification tags differed after reconciliation; the round is discarded. */
    VERIFICATION_FAILED("verification_failed"),
    /**
     * The finite-key bound left no secret bits (ℓ ≤ 0): the QBER is below the abort threshold,
     * so this is no breach, but the round yields no key.
     */
    NO_SECRET_KEY("finite_key"),
    /** Too few sifted bits to estimate the QBER and keep a key. */
    TOO_FEW_BITS("too_few_bits");

    private final String reason;

    AbortReason(String reason) {
        this.reason = reason;
    }

    /** The lower-case word for status and event JSON ({@code finite_key} for {@link #NO_SECRET_KEY}). */
    public String reason() {
        return reason;
    }
}
