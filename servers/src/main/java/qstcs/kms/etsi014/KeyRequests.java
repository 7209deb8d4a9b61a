package qstcs.kms.etsi014;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The request data formats of the standard, parsed and checked against this KME's
 * {@link Etsi014Limits}: Key request (Table 10) from a POST body or the GET query
 * ({@code number}, {@code size}), and Key IDs (Table 12) from a POST body or one {@code key_ID}
 * query parameter. Every violation is a 400 whose message says what to fix; where the standard
 * words a message itself, that wording is used.
 */
final class KeyRequests {
    static final String SIZE_NOT_MULTIPLE_OF_8 = "size shall be a multiple of 8";
    static final String EXTENSION_UNSUPPORTED = "not all extension_mandatory parameters are supported";
    static final String KEYS_NOT_FOUND = "one or more keys specified are not found on KME";
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> KEY_REQUEST_FIELDS = Set.of("number", "size", "additional_slave_SAE_IDs",
            "extension_mandatory", "extension_optional");
    private static final Set<String> KEY_IDS_FIELDS = Set.of("key_IDs", "key_IDs_extension");
    private static final Set<String> KEY_ID_FIELDS = Set.of("key_ID", "key_ID_extension");

    /** A checked Key request: {@code number} keys of {@code size} bits for the slave and the additional slaves. */
    record KeyRequest(int number, int size, List<String> additionalSlaves) {
    }

    private KeyRequests() {
    }

    /** Table 10 from a JSON body; {@code slave} and {@code master} are the path's and the caller's SAE ids. */
    static KeyRequest keyRequest(JsonNode body, Etsi014Limits limits, String master, String slave) {
        requireObject(body, "Key request");
        requireKnown(body, KEY_REQUEST_FIELDS, "Key request");
        int number = body.has("number") ? number(body.get("number"), limits) : 1;
        int size = body.has("size") ? size(body.get("size"), limits) : limits.keySize();
        List<String> additional = new ArrayList<>();
        if (body.has("additional_slave_SAE_IDs")) {
            JsonNode ids = body.get("additional_slave_SAE_IDs");
            if (!ids.isArray()) {
                throw EtsiError.badRequest("additional_slave_SAE_IDs shall be an array of SAE ids");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode id : ids) {
                if (!id.isTextual() || !SaeIds.valid(id.asText())) {
                    throw EtsiError.badRequest("additional_slave_SAE_IDs shall hold SAE ids (" + SaeIds.RULE + ")");
                }
                String s = id.asText();
                if (s.equals(master) || s.equals(slave) || !seen.add(s)) {
                    throw EtsiError.badRequest("additional_slave_SAE_IDs shall not repeat an SAE id, the master SAE"
                            + " or the slave SAE");
                }
            }
            if (seen.size() > limits.maxSaeIdCount()) {
                throw EtsiError.badRequest("additional_slave_SAE_IDs holds " + seen.size()
                        + " ids; this KME allows at most max_SAE_ID_count = " + limits.maxSaeIdCount());
            }
            additional.addAll(seen);
        }
        extensions(body, "extension_optional");
        List<JsonNode> mandatory = extensions(body, "extension_mandatory");
        if (!mandatory.isEmpty()) {
            // This KME implements no extension, so any mandatory one is unsupported.
            throw EtsiError.badRequest(EXTENSION_UNSUPPORTED,
                    List.of(Map.of("extension_mandatory_unsupported", mandatory)));
        }
        return new KeyRequest(number, size, List.copyOf(additional));
    }

    /** Table 10 from the GET query: only {@code number} and {@code size}, each at most once. */
    static KeyRequest keyRequest(Map<String, List<String>> query, Etsi014Limits limits) {
        requireOnly(query, Set.of("number", "size"));
        int number = query.containsKey("number") ? number(textNumber(single(query, "number"), "number"), limits) : 1;
        int size = query.containsKey("size") ? size(textNumber(single(query, "size"), "size"), limits) : limits.keySize();
        return new KeyRequest(number, size, List.of());
    }

    /** Table 12 from a JSON body. */
    static List<UUID> keyIds(JsonNode body, Etsi014Limits limits) {
        requireObject(body, "Key IDs");
        requireKnown(body, KEY_IDS_FIELDS, "Key IDs");
        JsonNode ids = body.get("key_IDs");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw EtsiError.badRequest("key_IDs shall be a non-empty array of {\"key_ID\": UUID} objects");
        }
        if (ids.size() > limits.maxKeyPerRequest()) {
            throw EtsiError.badRequest("key_IDs holds " + ids.size() + " entries; this KME allows at most "
                    + "max_key_per_request = " + limits.maxKeyPerRequest());
        }
        List<UUID> out = new ArrayList<>(ids.size());
        for (JsonNode entry : ids) {
            requireObject(entry, "each key_IDs entry");
            requireKnown(entry, KEY_ID_FIELDS, "a key_IDs entry");
            JsonNode id = entry.get("key_ID");
            out.add(keyId(id != null && id.isTextual() ? id.asText() : null));
        }
        return out;
    }

    /** Table 12 from the GET query: exactly one {@code key_ID}. */
    static List<UUID> keyIds(Map<String, List<String>> query) {
        requireOnly(query, Set.of("key_ID"));
        if (!query.containsKey("key_ID")) {
            throw EtsiError.badRequest("key_ID is required (GET dec_keys?key_ID=UUID)");
        }
        return List.of(keyId(single(query, "key_ID")));
    }

    static UUID keyId(String text) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw EtsiError.badRequest("key_ID shall be a UUID such as 550e8400-e29b-41d4-a716-446655440000");
        }
        return UUID.fromString(text);
    }

    private static int number(JsonNode n, Etsi014Limits limits) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1 || n.asInt() > limits.maxKeyPerRequest()) {
            throw EtsiError.badRequest("number shall be an integer from 1 to max_key_per_request = "
                    + limits.maxKeyPerRequest());
        }
        return n.asInt();
    }

    private static int size(JsonNode n, Etsi014Limits limits) {
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw EtsiError.badRequest("size shall be a positive integer number of bits");
        }
        int size = n.asInt();
        if (size % 8 != 0) {
            throw EtsiError.badRequest(SIZE_NOT_MULTIPLE_OF_8);
        }
        if (size < limits.minKeySize() || size > limits.maxKeySize()) {
            throw EtsiError.badRequest("size shall be between min_key_size = " + limits.minKeySize()
                    + " and max_key_size = " + limits.maxKeySize());
        }
        return size;
    }

    /** A query value as a JSON number if it is a plain decimal integer, else a text node (refused by the caller). */
    private static JsonNode textNumber(String value, String name) {
        if (value.matches("-?[0-9]{1,10}")) {
            long v = Long.parseLong(value);
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return com.fasterxml.jackson.databind.node.IntNode.valueOf((int) v);
            }
        }
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(name);
    }

    private static List<JsonNode> extensions(JsonNode body, String field) {
        if (!body.has(field)) {
            return List.of();
        }
        JsonNode ext = body.get(field);
        if (!ext.isArray()) {
            throw EtsiError.badRequest(field + " shall be an array of objects");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : ext) {
            if (!e.isObject()) {
                throw EtsiError.badRequest(field + " shall be an array of objects");
            }
            out.add(e);
        }
        return out;
    }

    private static void requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw EtsiError.badRequest(what + " shall be a JSON object");
        }
    }

    private static void requireKnown(JsonNode node, Set<String> allowed, String what) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw EtsiError.badRequest(what + " has an unknown field; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    private static void requireOnly(Map<String, List<String>> query, Set<String> allowed) {
        for (String name : query.keySet()) {
            if (!allowed.contains(name)) {
                throw EtsiError.badRequest("unknown query parameter; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values.size() != 1) {
            throw EtsiError.badRequest(name + " shall be given once");
        }
        return values.getFirst();
    }
}
