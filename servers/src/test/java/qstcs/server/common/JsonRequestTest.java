package qstcs.server.common;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRequestTest {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,8}");

    private static JsonRequest req(String json) {
        return JsonRequest.of(Json.parse(json.getBytes(StandardCharsets.UTF_8)), Set.of("id", "flag", "rate"));
    }

    private static ApiError fails(Runnable r) {
        return assertThrows(ApiError.class, r::run);
    }

    @Test
    void acceptsWellFormedFields() {
        JsonRequest r = req("{\"id\":\"ab_1\",\"flag\":true,\"rate\":0.5}");
        assertEquals("ab_1", r.requiredText("id", ID, "an id"));
        assertTrue(r.optionalBoolean("flag", false));
        assertEquals(0.5, r.optionalNumber("rate", 0, 0, 1));
    }

    @Test
    void namesWhatIsWrong() {
        assertEquals("malformed_json", fails(() -> req("{\"id\":")).error());
        assertEquals("malformed_json", fails(() -> req("{} {}")).error());
        assertEquals("malformed_json", fails(() -> req("{\"id\":\"a\",\"id\":\"b\"}")).error());
        assertEquals("invalid_body", fails(() -> req("[1]")).error());
        assertEquals("unknown_field", fails(() -> req("{\"x\":1}")).error());
        assertEquals("missing_field", fails(() -> req("{}").requiredText("id", ID, "an id")).error());
        assertEquals("invalid_type", fails(() -> req("{\"id\":5}").requiredText("id", ID, "an id")).error());
        assertEquals("invalid_field", fails(() -> req("{\"id\":\"../x\"}").requiredText("id", ID, "an id")).error());
        assertEquals("invalid_type", fails(() -> req("{\"flag\":\"true\"}").optionalBoolean("flag", false)).error());
        assertEquals("invalid_field", fails(() -> req("{\"rate\":1.5}").optionalNumber("rate", 0, 0, 1)).error());
    }
}
