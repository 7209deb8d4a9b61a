package qstcs.client;

/**
 * A failure a person can act on, with a message in plain words (what failed, where, and what to
 * check). The message never carries a stack trace or key material; UIs show it as it is.
 */
public final class ClientException extends Exception {

    /** What kind of trouble this is, so a UI can choose where to show it and tests can assert it. */
    public enum Problem {
        /** The KMS could not be reached at all (refused, timed out, unknown host). */
        KMS_UNREACHABLE,
        /** The relay could not be reached at all. */
        RELAY_UNREACHABLE,
        /** Something answered at the address, but it is not the QSTCS service expected there. */
        WRONG_URL,
        /** The KMS refused this device a key (unknown device, wrong pair, missing credential). */
        KEY_REFUSED,
        /**
         * The key service does not know (or revoked) the key asked for by id: it restarted and lost
         * its keys, or the key was rotated out. Not a breach, and not worth retrying.
         */
        KEY_GONE,
        /** The KMS refused an operator call (no or wrong operator token, bad input, wrong state). */
        OPERATION_REFUSED,
        /** The relay refused to register this device. */
        REGISTRATION_REJECTED,
        /** The quantum link is RED: no key is issued until the operator resets. */
        LINK_COMPROMISED,
        /** The hybrid ML-KEM handshake failed its authentication: someone tampered with it. */
        HANDSHAKE_TAMPERED,
        /** The server answered something this client does not understand. */
        PROTOCOL
    }

    private final Problem problem;
    private final boolean retryable;

    public ClientException(Problem problem, String message) {
        this(problem, message, false);
    }

    /** @param retryable the server is there but failed this once (e.g. HTTP 5xx): worth trying again */
    public ClientException(Problem problem, String message, boolean retryable) {
        super(message, null, false, false);
        this.problem = problem;
        this.retryable = retryable;
    }

    public Problem problem() {
        return problem;
    }

    /** True when trying again later may succeed even before the first success (a server error). */
    public boolean retryable() {
        return retryable;
    }
}
