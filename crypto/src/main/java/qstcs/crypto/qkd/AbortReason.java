package qstcs.crypto.qkd;

/** Why a round produced no key ({@link #NONE} when it did). */
public enum AbortReason {
    /** The round produced key bits. */
    NONE,
    /** Estimated QBER ≥ {@link LinkRound#ABORT_QBER}: a possible eavesdropper (a breach). */
    QBER_ABOVE_THRESHOLD,
    /** The verification tags differed after reconciliation; the round is discarded. */
    VERIFICATION_FAILED,
    /** The finite-key bound left no secret bits (ℓ ≤ 0). */
    NO_SECRET_KEY,
    /** Too few sifted bits to estimate the QBER and keep a key. */
    TOO_FEW_BITS
}
