package qstcs.relay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written scanner against Jackson's strict streaming parser (what the relay used before,
 * kept here as the reference): for hand-picked frames and tens of thousands of random mutations of
 * real frames, both must agree on the error code and on every routing field.
 */
class HeaderScannerTest {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The outcome in comparable form: an error code, or the six routing fields. */
    private static String reference(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return first == null ? "bad_json" : "not_object";
            }
            String[] f = new String[6];
            boolean wrongType = false;
            JsonToken t;
            while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                int field = List.of("type", "id", "sender", "recipient", "device_id", "token").indexOf(name);
                if (field < 0) {
                    parser.skipChildren();
                } else if (value != JsonToken.VALUE_STRING) {
                    wrongType = true;
                    parser.skipChildren();
                } else {
                    f[field] = parser.getText();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return "bad_json";
            }
            if (parser.nextToken() != null) {
                return "bad_json";
            }
            return wrongType ? "bad_field" : String.join("|", Objects.toString(f[0]), Objects.toString(f[1]),
                    Objects.toString(f[2]), Objects.toString(f[3]), Objects.toString(f[4]), Objects.toString(f[5]));
        } catch (IOException | RuntimeException e) {
            return "bad_json";
        }
    }

    private static String scanned(String text) {
        HeaderScanner s = new HeaderScanner(text);
        return switch (s.scan()) {
            case MALFORMED, TRAILING -> "bad_json";
            case NOT_OBJECT -> "not_object";
            case OBJECT -> s.wrongType ? "bad_field" : String.join("|", Objects.toString(s.type),
                    Objects.toString(s.id), Objects.toString(s.sender), Objects.toString(s.recipient),
                    Objects.toString(s.deviceId), Objects.toString(s.token));
        };
    }

    private static final String CHAT = "{\"type\":\"chat\",\"id\":\"b1-7\",\"sender\":\"bench_s1\",\"recipient\":\"bench_r1\","
            + "\"key_id\":\"k\",\"seq\":7,\"timestamp\":1700000000,\"nonce\":\"0123456789abcdef01234567\","
            + "\"ciphertext\":\"abab\",\"meta\":{\"a\":[1,2.5,-3e+2,true,false,null,{\"b\":\"\\u00e9\\n\"}]}}";

    private static final String[] CASES = {
        CHAT, "", " ", "{", "}", "{}", " {} ", "{} {}", "{}x", "[]", "[1,", "42", "42 ", "42x", "-", "-0", "01",
        "1.", "1.5e", "true", "truex", "true ", "nul", "null", "\"register\"", "\"unterminated", "this is not json",
        "{\"type\":\"ping\"} trailing", "{\"type\":\"ping\",\"type\":\"ping\"}", "{\"a\":{\"x\":1,\"x\":2}}",
        "{\"a\":[{\"x\":1},{\"x\":2}]}", "{\"\\u0074ype\":\"ping\"}", "{\"type\":\"ping\",\"\\u0074ype\":\"chat\"}",
        "{\"type\":\"a\\\"b\"}", "{\"type\":\"\\x\"}", "{\"type\":\"\\u12g4\"}", "{\"type\":\"tab\there\"}",
        "{\"type\":1}", "{\"id\":null}", "{\"token\":[\"x\"]}", "{\"type\":\"chat\",}", "{,}", "{\"a\" 1}",
        "{'type':'ping'}", "{type:\"ping\"}", "{\"a\":01}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":+1}",
        "{\"a\":NaN}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":[]}", "{\"a\":{}}", "{\"a\":tru}", "{\"a\":truex}",
        "{\"a\":1}/*c*/", "\uFEFF{}", "{\"a\":\"\u0001\"}", "{\"a\":1e5,\"b\":-0.0E-0}",
        "{\"x\":" + "[".repeat(999) + "]".repeat(999) + "}", "{\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}",
        "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"type\":\"ping\"}",
        "{\"type\":\"register\",\"device_id\":\"Soldier_Alpha\",\"token\":\"s3cr3t\"}",
    };

    @Test
    void agreesWithJacksonOnHandPickedFrames() {
        for (String c : CASES) {
            assertEquals(reference(c), scanned(c), () -> "frame: " + c);
        }
    }

    @Test
    void agreesWithJacksonOnRandomMutations() {
        String[] seeds = {CHAT, "{\"type\":\"register\",\"device_id\":\"A_1\",\"token\":\"t\\\"k\"}",
            "{\"type\":\"ping\"}", "[{\"a\":[1,{\"b\":null}]}]"};
        String alphabet = "{}[]\":,\\ u0123456789eE.-+tfnrlsa\u0001\u00e9x";
        SplittableRandom random = new SplittableRandom(5);
        int agreed = 0;
        List<String> objects = new ArrayList<>();
        for (int round = 0; round < 40_000; round++) {
            StringBuilder sb = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && !sb.isEmpty(); e++) {
                int at = random.nextInt(sb.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, c);
                    default -> sb.setCharAt(at, c);
                }
            }
            String text = sb.toString();
            String expected = reference(text);
            assertEquals(expected, scanned(text), () -> "frame: " + text);
            agreed++;
            if (!expected.contains("_") || expected.equals("bad_field")) {
                objects.add(text);
            }
        }
        assertEquals(40_000, agreed);
        // The mutations must exercise both sides: plenty of them still parse as objects.
        assertTrue(objects.size() > 1000, "only " + objects.size() + " mutations were still objects");
    }

    /**
     * Frames built to make duplicate detection expensive, as large as a frame may be: thousands of
     * distinct keys in one object (plain, escaped, and with colliding String hash codes). The
     * scanner's key work must grow linearly with the number of keys, and the answers must still
     * agree with Jackson, duplicates (also one hidden behind an escape) included.
     */
    @Test
    void worstCaseFramesCostLinearKeyWork() {
        List<String> keys = new ArrayList<>();
        for (int k = 0; keys.size() < 6_000; k++) {
            keys.add("k" + k);
        }
        List<String> colliding = new ArrayList<>();  // "Aa" and "BB" share a hash code, so do all mixes
        for (int k = 0; colliding.size() < 2_048; k++) {
            StringBuilder b = new StringBuilder();
            for (int bit = 0; bit < 11; bit++) {
                b.append((k >> bit & 1) == 0 ? "Aa" : "BB");
            }
            colliding.add(b.toString());
        }
        List<String> escaped = keys.subList(0, 3_000).stream().map(k -> "\\u006b" + k.substring(1)).toList();
        for (List<String> set : List.of(keys, colliding, escaped)) {
            String frame = objectWith(set, null);
            assertTrue(frame.length() <= 64 * 1024, "a frame the relay may receive: " + frame.length());
            HeaderScanner scanner = new HeaderScanner(frame);
            assertEquals(HeaderScanner.Shape.OBJECT, scanner.scan());
            assertTrue(scanner.keyProbes <= set.size() + HeaderScanner.SMALL_OBJECT_KEYS * HeaderScanner.SMALL_OBJECT_KEYS,
                    set.size() + " keys cost " + scanner.keyProbes + " key probes");
            assertEquals(reference(frame), scanned(frame));

            String duplicated = objectWith(set, set.get(set.size() / 2));
            assertEquals("bad_json", scanned(duplicated));
            assertEquals(reference(duplicated), scanned(duplicated));
        }
        assertEquals("bad_json", scanned(objectWith(keys, "\\u006b17")), "k17 written with an escape is a duplicate");
    }

    /** {"type":"ping","<key>":0,...} with {@code extra} once more at the end (when not null). */
    private static String objectWith(List<String> keys, String extra) {
        StringBuilder b = new StringBuilder("{\"type\":\"ping\"");
        for (String k : keys) {
            b.append(",\"").append(k).append("\":0");
        }
        if (extra != null) {
            b.append(",\"").append(extra).append("\":1");
        }
        return b.append('}').toString();
    }
}
