package qstcs.relay;

import java.util.regex.Pattern;

import qstcs.crypto.wire.DeviceId;

/**
 * Reads the header of a client frame with {@link HeaderScanner}: only the top-level fields
 * {@code type}, {@code id}, {@code sender}, {@code recipient} (and {@code device_id}, {@code token}
 * of a register frame) are decoded; every other value, such as {@code nonce} or {@code ciphertext},
 * is checked for well-formedness and skipped without being decoded or copied. The frame text itself
 * is forwarded unchanged.
 */
final class FrameReader {

    /**
     * Largest frame read from a connection that has not registered: a register frame (type, a
     * 64-character id, a token) or a ping fits many times over.
     */
    static final int MAX_UNREGISTERED_FRAME = 4096;
    /** Frame ids: UUIDs in practice; anything printable without quotes or spaces is accepted. */
    static final Pattern FRAME_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /** Outcome of reading one frame: a header, or the error to send back. */
    sealed interface Result {
    }

    record Header(RoutingHeader header) implements Result {
    }

    record Rejected(ErrorCode code, String message, String id) implements Result {
        Rejected(ErrorCode code, String message) {
            this(code, message, null);
        }
    }

    private FrameReader() {
    }

    /** Reads and validates the header of {@code text}; never throws on bad input. */
    static Result read(String text) {
        HeaderScanner scan = new HeaderScanner(text);
        switch (scan.scan()) {
            case MALFORMED -> {
                return new Rejected(ErrorCode.BAD_JSON, "frame is not valid JSON");
            }
            case NOT_OBJECT -> {
                return new Rejected(ErrorCode.NOT_OBJECT, "frame must be a JSON object");
            }
            case TRAILING -> {
                return new Rejected(ErrorCode.BAD_JSON, "frame has content after the JSON object");
            }
            default -> {
                if (scan.wrongType) {
                    return new Rejected(ErrorCode.BAD_FIELD,
                            "type, id, sender, recipient, device_id and token must be JSON strings");
                }
                return validate(new RoutingHeader(scan.type, scan.id, scan.sender, scan.recipient, scan.deviceId,
                        scan.token));
            }
        }
    }

    /** Same as {@link #FRAME_ID}, without a matcher per frame. */
    static boolean isFrameId(String s) {
        return matches(s, 128, true);
    }

    private static boolean matches(String s, int max, boolean colon) {
        int n = s.length();
        if (n < 1 || n > max) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || (colon && c == ':');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Result validate(RoutingHeader h) {
        if (h.type() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'type'", cleanId(h.id()));
        }
        switch (h.type()) {
            case "register" -> {
                if (h.deviceId() == null) {
                    return new Rejected(ErrorCode.MISSING_FIELD, "register needs 'device_id'");
                }
                if (!DeviceId.isValid(h.deviceId())) {
                    return new Rejected(ErrorCode.BAD_FIELD, "device_id must be " + DeviceId.RULE);
                }
                return new Header(new RoutingHeader("register", null, null, null, h.deviceId(), h.token()));
            }
            case "ping" -> {
                return new Header(new RoutingHeader("ping", null, null, null, null, null));
            }
            default -> {
                if (!h.isRoutable()) {
                    return new Rejected(ErrorCode.UNKNOWN_TYPE, "unknown type (expected register, ping, chat, "
                            + "receipt, key_unavailable, kem_init or kem_resp)", cleanId(h.id()));
                }
            }
        }
        if (h.id() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'id'");
        }
        if (!isFrameId(h.id())) {
            return new Rejected(ErrorCode.BAD_FIELD, "id must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        if (h.sender() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'sender'", h.id());
        }
        if (h.recipient() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'recipient'", h.id());
        }
        if (!h.recipient().equals(RoutingHeader.EVERYONE) && !DeviceId.isValid(h.recipient())) {
            return new Rejected(ErrorCode.BAD_FIELD, "recipient must be a device id or \"*\"", h.id());
        }
        // A token belongs to register only; the header of a routable frame never holds one.
        return new Header(new RoutingHeader(h.type(), h.id(), h.sender(), h.recipient(), null, null));
    }

    /** An id is echoed back in an error only when it is well-formed. */
    private static String cleanId(String id) {
        return id != null && isFrameId(id) ? id : null;
    }
}
