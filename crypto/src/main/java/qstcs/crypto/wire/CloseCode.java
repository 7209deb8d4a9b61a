package qstcs.crypto.wire;

import java.util.Optional;

/**
 * The WebSocket close codes the relay ends a session with, and what a client should make of
 * each. The 44xx codes are private-use codes (RFC 6455 §7.4.2) modelled on the HTTP status a
 * request would get; the others are the standard codes the relay uses.
 */
public enum CloseCode {
    /** The relay is shutting down; reconnect later. */
    GOING_AWAY(1001),
    /** The client broke the WebSocket framing (e.g. a close frame with half a close code). */
    PROTOCOL_ERROR(1002),
    /** A text frame that is not valid UTF-8. */
    INVALID_UTF8(1007),
    /** Policy violation: the client flooded the relay or read so slowly its backlog passed the limit. */
    POLICY(1008),
    /** A message above the relay's wire limit; Helidon closes the connection itself. */
    TOO_BIG(1009),
    /** The operator revoked the device: its token no longer works, so reconnecting is pointless. */
    REVOKED(4401),
    /** The quantum link is RED: keys are revoked; wait for GREEN and re-key before reconnecting. */
    LINK_RED(4403),
    /** A newer connection registered the same device id and replaced this one. */
    REPLACED(4409);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The close code with this number, if the relay uses it. */
    public static Optional<CloseCode> of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
