package qstcs.kms;

import java.util.regex.Pattern;

import qstcs.server.common.JsonRequest;

/**
 * Who asked for an operator action (force attack, reset) and why, as the audit log records it.
 * The reason is optional free text from the operator: printable characters only (no control
 * characters, so an audit line cannot be split or forged) and at most {@link #MAX_REASON} of them.
 */
record OperatorAction(String actor, String reason) {
    static final int MAX_REASON = 200;
    /** Letters, digits, punctuation, symbols and plain spaces; no line breaks or other controls. */
    static final Pattern REASON = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S} ]{1," + MAX_REASON + "}");
    /** The link itself (a measured breach), not an operator. */
    static final OperatorAction SYSTEM = new OperatorAction(LinkEvents.SYSTEM, "");

    OperatorAction {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("an operator action needs an actor");
        }
        reason = reason == null ? "" : reason.strip();
    }

    /** {@code {"reason":"..."}} of an operator request (the body itself is optional). */
    static OperatorAction of(String actor, JsonRequest body) {
        return new OperatorAction(actor, body.optionalText("reason", "", REASON,
                "1 to " + MAX_REASON + " printable characters (no line breaks)"));
    }

    /** The reason as an audit detail suffix: empty, or {@code "; reason: ..."}. */
    String auditSuffix() {
        return reason.isEmpty() ? "" : "; reason: " + reason;
    }
}
