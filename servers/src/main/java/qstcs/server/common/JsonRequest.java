package qstcs.server.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * A JSON object request body read with a size limit and validated field by field: unknown
 * fields, wrong types and missing required fields are 400 errors that name the field, so a
 * client learns exactly what to fix and nothing is half-applied.
 */
public final class JsonRequest {
    private final JsonNode node;

    private JsonRequest(JsonNode node) {
        this.node = node;
    }

    /**
     * Reads the body as a JSON object. An absent or empty body counts as {@code {}} when
     * {@code emptyAllowed}; fields outside {@code allowed} are rejected.
     */
    public static JsonRequest read(ServerRequest req, long maxBytes, Set<String> allowed, boolean emptyAllowed) {
        byte[] body = readBody(req, maxBytes);
        if (body.length == 0 || isBlank(body)) {
            if (emptyAllowed) {
                return new JsonRequest(Json.object());
            }
            throw ApiError.badRequest("missing_body", "a JSON object body is required");
        }
        return of(Json.parse(body), allowed);
    }

    /** Validates an already parsed node (used by tests and by callers with their own body source). */
    public static JsonRequest of(JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw ApiError.badRequest("invalid_body", "the request body must be a JSON object, not " + kind(node));
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiError.badRequest("unknown_field", "unknown field(s) " + quoteAll(unknown)
                    + "; allowed: " + quoteAll(allowed.stream().sorted().toList()));
        }
        return new JsonRequest(node);
    }

    /**
     * Reads at most {@code maxBytes}; a larger declared or actual body is a 413. The limit is
     * checked before reading when a Content-Length is present, so a 1 GiB upload costs nothing.
     */
    public static byte[] readBody(ServerRequest req, long maxBytes) {
        long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(JsonRequest::parseLength).orElse(-1L);
        if (declared > maxBytes) {
            throw ApiError.payloadTooLarge(maxBytes);
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            if (declared >= 0) {
                byte[] body = in.readNBytes((int) declared); // within the limit, checked above
                if (in.read() >= 0) {
                    throw ApiError.badRequest("bad_request", "request body is longer than its Content-Length");
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw ApiError.payloadTooLarge(maxBytes);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | UncheckedIOException e) {
            throw ApiError.badRequest("unreadable_body", "the request body could not be read");
        }
    }

    private static long parseLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("bad_request", "Content-Length is not a number");
        }
    }

    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** A required string matching {@code pattern}; {@code what} describes the format for the message. */
    public String requiredText(String name, Pattern pattern, String what) {
        if (!has(name)) {
            throw ApiError.badRequest("missing_field", "field \"" + name + "\" is required");
        }
        return text(name, pattern, what);
    }

    public String optionalText(String name, String fallback, Pattern pattern, String what) {
        return has(name) ? text(name, pattern, what) : fallback;
    }

    private String text(String name, Pattern pattern, String what) {
        JsonNode v = node.get(name);
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        String s = v.textValue();
        if (!pattern.matcher(s).matches()) {
            throw ApiError.badRequest("invalid_field", "field \"" + name + "\" must be " + what);
        }
        return s;
    }

    public boolean requiredBoolean(String name) {
        if (!has(name)) {
            throw ApiError.badRequest("missing_field", "field \"" + name + "\" is required");
        }
        return optionalBoolean(name, false);
    }

    public boolean optionalBoolean(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isBoolean()) {
            throw wrongType(name, "true or false", v);
        }
        return v.booleanValue();
    }

    /** A number in [min, max]; NaN and infinities cannot occur in JSON. */
    public double optionalNumber(String name, double fallback, double min, double max) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiError.badRequest("invalid_field", "field \"" + name + "\" must be between " + min + " and " + max);
        }
        return d;
    }

    private static ApiError wrongType(String name, String expected, JsonNode got) {
        return ApiError.badRequest("invalid_type", "field \"" + name + "\" must be " + expected + ", not " + kind(got));
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "something else";
        };
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String quoteAll(List<String> names) {
        // Bounded: the names come from the client and could be thousands long.
        List<String> q = new ArrayList<>();
        for (String n : names.subList(0, Math.min(names.size(), 8))) {
            q.add("\"" + (n.length() > 40 ? n.substring(0, 40) + "…" : n) + "\"");
        }
        return String.join(", ", q) + (names.size() > 8 ? ", …" : "");
    }
}
