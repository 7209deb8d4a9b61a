package qstcs.relay;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

/**
 * Reads the header of a client frame with Jackson's streaming parser: only the top-level fields
 * {@code type}, {@code id}, {@code sender}, {@code recipient} (and {@code device_id}, {@code token}
 * of a register frame) are decoded; every other value, such as {@code nonce} or {@code ciphertext},
 * is skipped without being decoded or copied. The frame text itself is forwarded unchanged.
 */
final class FrameReader {

    /** Device ids: what a soldier's call sign needs, nothing that could confuse a log or a URL. */
    static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** Frame ids: UUIDs in practice; anything printable without quotes or spaces is accepted. */
    static final Pattern FRAME_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private static final JsonFactory JSON = JsonFactory.builder()
            // A repeated "sender" could make the relay and the recipient read different values.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Parser messages quote the input; they are never shown, but keep them free of it anyway.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // The default pool keeps buffers per thread; with one virtual thread per connection that
            // is ~10 KB held by every idle connection. A shared pool keeps a handful in total.
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    /** Outcome of reading one frame: a header, or the error to send back. */
    sealed interface Result {
    }

    record Header(FrameHeader header) implements Result {
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
        FrameHeader raw;
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return first == null
                        ? new Rejected(ErrorCode.BAD_JSON, "frame is not valid JSON")
                        : new Rejected(ErrorCode.NOT_OBJECT, "frame must be a JSON object");
            }
            raw = readTopLevel(parser);
            if (raw == null) {
                return new Rejected(ErrorCode.BAD_FIELD,
                        "type, id, sender, recipient, device_id and token must be JSON strings");
            }
            if (parser.nextToken() != null) {
                return new Rejected(ErrorCode.BAD_JSON, "frame has content after the JSON object");
            }
        } catch (IOException | RuntimeException e) {
            // The parser's message quotes the input: never pass it on.
            return new Rejected(ErrorCode.BAD_JSON, "frame is not valid JSON");
        }
        return validate(raw);
    }

    private static FrameHeader readTopLevel(JsonParser parser) throws IOException {
        String type = null;
        String id = null;
        String sender = null;
        String recipient = null;
        String deviceId = null;
        String token = null;
        boolean wrongType = false;
        JsonToken token0;
        while ((token0 = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            boolean wanted = switch (name) {
                case "type", "id", "sender", "recipient", "device_id", "token" -> true;
                default -> false;
            };
            if (!wanted) {
                // Objects and arrays are skipped as a whole; a scalar (e.g. the ciphertext string)
                // is left undecoded and skipped by the next nextToken().
                parser.skipChildren();
                continue;
            }
            if (value != JsonToken.VALUE_STRING) {
                wrongType = true;
                parser.skipChildren();
                continue;
            }
            String s = parser.getText();
            switch (name) {
                case "type" -> type = s;
                case "id" -> id = s;
                case "sender" -> sender = s;
                case "recipient" -> recipient = s;
                case "device_id" -> deviceId = s;
                default -> token = s;
            }
        }
        if (token0 != JsonToken.END_OBJECT) {
            throw new IOException("unterminated object");
        }
        return wrongType ? null : new FrameHeader(type, id, sender, recipient, deviceId, token);
    }

    private static Result validate(FrameHeader h) {
        if (h.type() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'type'", cleanId(h.id()));
        }
        switch (h.type()) {
            case "register" -> {
                if (h.deviceId() == null) {
                    return new Rejected(ErrorCode.MISSING_FIELD, "register needs 'device_id'");
                }
                if (!DEVICE_ID.matcher(h.deviceId()).matches()) {
                    return new Rejected(ErrorCode.BAD_FIELD,
                            "device_id must be 1-64 characters of A-Z a-z 0-9 _ . -");
                }
                return new Header(new FrameHeader("register", null, null, null, h.deviceId(), h.token()));
            }
            case "ping" -> {
                return new Header(new FrameHeader("ping", null, null, null, null, null));
            }
            default -> {
                if (!h.isRoutable()) {
                    return new Rejected(ErrorCode.UNKNOWN_TYPE, "unknown type (expected register, ping, chat, "
                            + "receipt, kem_init or kem_resp)", cleanId(h.id()));
                }
            }
        }
        if (h.id() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'id'");
        }
        if (!FRAME_ID.matcher(h.id()).matches()) {
            return new Rejected(ErrorCode.BAD_FIELD, "id must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        if (h.sender() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'sender'", h.id());
        }
        if (h.recipient() == null) {
            return new Rejected(ErrorCode.MISSING_FIELD, "missing field 'recipient'", h.id());
        }
        if (!h.recipient().equals(FrameHeader.EVERYONE) && !DEVICE_ID.matcher(h.recipient()).matches()) {
            return new Rejected(ErrorCode.BAD_FIELD, "recipient must be a device id or \"*\"", h.id());
        }
        // A token belongs to register only; the header of a routable frame never holds one.
        return new Header(new FrameHeader(h.type(), h.id(), h.sender(), h.recipient(), null, null));
    }

    /** An id is echoed back in an error only when it is well-formed. */
    private static String cleanId(String id) {
        return id != null && FRAME_ID.matcher(id).matches() ? id : null;
    }
}
