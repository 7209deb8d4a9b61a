package qstcs.server.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * The one JSON configuration of the servers: strict on input (duplicate keys and trailing
 * garbage are errors), compact on output (no spaces, fields in insertion order, so
 * {@code "status"} can be put first for the router's BusyBox grep).
 */
public final class Json {
    /** Shared and thread-safe once configured; holds no per-request state. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a complete JSON document; throws a 400 {@link ApiError} naming the problem. */
    public static JsonNode parse(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw ApiError.badRequest("malformed_json", "request body is empty; a JSON object is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            // Jackson's original message may quote the input; keep only its location-free summary.
            throw ApiError.badRequest("malformed_json", "request body is not valid JSON: " + brief(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("malformed_json", "request body could not be read");
        } catch (NumberFormatException | ArithmeticException e) {
            // Jackson throws these past its own checks, e.g. for 1e9999999999: an exponent that
            // no BigDecimal holds. Its message quotes the number, so it is not passed on.
            throw ApiError.badRequest("malformed_json", "request body holds a number out of range");
        }
    }

    /** Parser messages may quote the input; keep them short so a huge body is not echoed back. */
    private static String brief(String message) {
        String m = message == null ? "syntax error" : message.replaceAll("\\s+", " ");
        return m.length() <= 160 ? m : m.substring(0, 160) + "…";
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** Sends a JSON body with the given status. */
    public static void send(ServerResponse res, Status status, JsonNode body) {
        send(res, status, bytes(body));
    }

    public static void send(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(NO_STORE);
        res.send(body);
    }
}
