package qstcs.kms;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

import qstcs.crypto.wire.DeviceId;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The body of {@code POST /get_session_key}, validated: {@code device_id}, optional
 * {@code peer_id} (default {@value DevicePair#BROADCAST}) and the flags.
 *
 * <p>Key requests are the hot path (thousands per second), and a Jackson tree per request was a
 * large share of their cost. So a small strict reader handles the one shape clients send — a flat
 * object of known fields with plain ASCII strings and booleans, each at most once, with valid
 * values. It only ever accepts; anything it does not fully understand (escapes, numbers, nulls,
 * nesting, duplicates, unknown fields, invalid values, trailing bytes, …) goes to the general
 * path ({@link JsonRequest} on Jackson), which decides and words every error exactly as before.
 */
record KeyRequestBody(String device, String peer, boolean forceAttack, boolean pqc, boolean rotate) {
    static final Set<String> FIELDS = Set.of("device_id", "peer_id", "force_attack", "pqc", "rotate");
    private static final Pattern PEER = Pattern.compile(DeviceId.PATTERN.pattern() + "|" + DevicePair.BROADCAST);

    /** Validates {@code body}: the fast reader when it accepts, else the general path (which may throw a 400). */
    static KeyRequestBody parse(byte[] body) {
        KeyRequestBody fast = new Reader(body).read();
        return fast != null ? fast : general(body);
    }

    /** The general path: Jackson tree, field checks with the established error messages. */
    static KeyRequestBody general(byte[] body) {
        if (isBlank(body)) {
            throw ApiError.badRequest("missing_body", "a JSON object body is required");
        }
        JsonRequest json = JsonRequest.of(Json.parse(body), FIELDS);
        String device = json.requiredText("device_id", DeviceId.PATTERN, DeviceId.RULE);
        String peer = json.optionalText("peer_id", DevicePair.BROADCAST, PEER,
                "a device id (" + DeviceId.RULE + ") or " + DevicePair.BROADCAST);
        return new KeyRequestBody(device, peer, json.optionalBoolean("force_attack", false),
                json.optionalBoolean("pqc", false), json.optionalBoolean("rotate", false));
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
                return false;
            }
        }
        return true;
    }

    /** One pass over the bytes; returns null (never throws) when it does not accept. */
    private static final class Reader {
        private final byte[] b;
        private int i;
        private String device;
        private String peer;
        private Boolean forceAttack;
        private Boolean pqc;
        private Boolean rotate;

        Reader(byte[] b) {
            this.b = b;
        }

        KeyRequestBody read() {
            skipSpace();
            if (!take('{')) {
                return null;
            }
            skipSpace();
            if (!take('}')) {
                do {
                    skipSpace();
                    String name = string();
                    skipSpace();
                    if (name == null || !take(':')) {
                        return null;
                    }
                    skipSpace();
                    if (!value(name)) {
                        return null;
                    }
                    skipSpace();
                } while (take(','));
                if (!take('}')) {
                    return null;
                }
            }
            skipSpace();
            if (i != b.length || device == null || !DeviceId.isValid(device)) {
                return null;
            }
            if (peer != null && !PEER.matcher(peer).matches()) {
                return null;
            }
            return new KeyRequestBody(device, peer == null ? DevicePair.BROADCAST : peer, forceAttack == Boolean.TRUE,
                    pqc == Boolean.TRUE, rotate == Boolean.TRUE);
        }

        /** A known field's value of the expected type, not seen before; anything else: not accepted. */
        private boolean value(String name) {
            switch (name) {
                case "device_id" -> {
                    if (device != null) {
                        return false;
                    }
                    device = string();
                    return device != null;
                }
                case "peer_id" -> {
                    if (peer != null) {
                        return false;
                    }
                    peer = string();
                    return peer != null;
                }
                case "force_attack" -> {
                    if (forceAttack != null) {
                        return false;
                    }
                    forceAttack = bool();
                    return forceAttack != null;
                }
                case "pqc" -> {
                    if (pqc != null) {
                        return false;
                    }
                    pqc = bool();
                    return pqc != null;
                }
                case "rotate" -> {
                    if (rotate != null) {
                        return false;
                    }
                    rotate = bool();
                    return rotate != null;
                }
                default -> {
                    return false;
                }
            }
        }

        /** A string of printable ASCII without escapes, or null. */
        private String string() {
            if (!take('"')) {
                return null;
            }
            int start = i;
            while (i < b.length) {
                byte c = b[i];
                if (c == '"') {
                    String s = new String(b, start, i - start, StandardCharsets.US_ASCII);
                    i++;
                    return s;
                }
                if (c < 0x20 || c > 0x7e || c == '\\') {
                    return null;
                }
                i++;
            }
            return null;
        }

        private Boolean bool() {
            if (matches("true")) {
                return Boolean.TRUE;
            }
            if (matches("false")) {
                return Boolean.FALSE;
            }
            return null;
        }

        private boolean matches(String word) {
            if (i + word.length() > b.length) {
                return false;
            }
            for (int k = 0; k < word.length(); k++) {
                if (b[i + k] != word.charAt(k)) {
                    return false;
                }
            }
            i += word.length();
            return true;
        }

        private boolean take(char c) {
            if (i < b.length && b[i] == c) {
                i++;
                return true;
            }
            return false;
        }

        private void skipSpace() {
            while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
                i++;
            }
        }
    }
}
