package qstcs.kms;

/** Why {@code GET /keys/{key_id}} cannot return a key; mapped to 404/403/410 once in {@link Main}. */
final class KeyAccessException extends RuntimeException {
    enum Reason { UNKNOWN, NOT_A_MEMBER, REVOKED }

    private final Reason reason;

    KeyAccessException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
