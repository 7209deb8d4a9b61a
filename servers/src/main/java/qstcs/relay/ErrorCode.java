package qstcs.relay;

/**
 * The stable {@code code} values of the relay's {@code error} frames. Clients branch on these
 * strings, so a code is never renamed; new codes may be added.
 */
public enum ErrorCode {
    BAD_JSON("bad_json", "the frame is not one well-formed JSON value (or repeats a field)"),
    NOT_OBJECT("not_object", "the frame is JSON but not an object (e.g. an array)"),
    BINARY_UNSUPPORTED("binary_unsupported", "binary WebSocket messages are not accepted; send JSON text"),
    FRAME_TOO_LARGE("frame_too_large", "the frame is larger than the relay's frame limit (64 KiB)"),
    MISSING_FIELD("missing_field", "a required field is absent; the message names it"),
    BAD_FIELD("bad_field", "a field has the wrong JSON type or format; the message names it"),
    UNKNOWN_TYPE("unknown_type", "the type is not one the relay knows"),
    NOT_REGISTERED("not_registered", "a routable frame arrived before register"),
    ALREADY_REGISTERED("already_registered", "this connection is already registered under another id"),
    UNAUTHORIZED("unauthorized", "the register frame's credentials were refused"),
    SENDER_MISMATCH("sender_mismatch", "the frame's sender is not the id this connection registered"),
    RATE_LIMITED("rate_limited", "too many frames from this connection; this frame was dropped"),
    QUEUE_OVERFLOW("queue_overflow", "the recipient's offline queue was full; the oldest frame (id named) was dropped"),
    QUEUE_FULL("queue_full", "the relay's offline storage is exhausted; this frame was not queued"),
    EXPIRED("expired", "a queued frame (id named) outlived the queue TTL before its recipient came online"),
    REPLACED("replaced", "another connection registered with this device id; this one is closed"),
    REVOKED("revoked", "the operator revoked this device; the connection is closed and its token no longer works"),
    INTERNAL("internal", "the relay failed to handle the frame; nothing was relayed");

    private final String wire;
    private final String meaning;

    ErrorCode(String wire, String meaning) {
        this.wire = wire;
        this.meaning = meaning;
    }

    /** The value of the {@code code} field on the wire. */
    public String wire() {
        return wire;
    }

    /** One line for the protocol reference in the README. */
    public String meaning() {
        return meaning;
    }
}
