package qstcs.crypto.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlatJsonTest {

    @Test
    void writesCompactJsonInFieldOrder() {
        String json = FlatJson.writer().string("type", "chat").integer("seq", 17).bool("ok", true).toString();
        assertEquals("{\"type\":\"chat\",\"seq\":17,\"ok\":true}", json);
    }

    @Test
    void readsWhatItWrites() {
        String tricky = "quote\" backslash\\ nl\n tab\t ctl\u0001 é ☃ 😀 /";
        String json = FlatJson.writer().string("s", tricky).integer("min", Long.MIN_VALUE)
                .integer("max", Long.MAX_VALUE).bool("f", false).toString();
        FlatJson o = FlatJson.parse(json);
        assertEquals(tricky, o.string("s"));
        assertEquals(Long.MIN_VALUE, o.integer("min"));
        assertEquals(Long.MAX_VALUE, o.integer("max"));
        assertFalse(o.bool("f"));
        assertEquals(List.of("s", "min", "max", "f"), List.copyOf(o.fieldNames()));
    }

    @Test
    void acceptsWhitespaceEscapesAndNull() {
        FlatJson o = FlatJson.parse(" \n{ \"a\" : \"x\\u0041\\/\\ud83d\\ude00\" ,\t\"n\":-0, \"z\": null }\r\n");
        assertEquals("xA/😀", o.string("a"));
        assertEquals(0, o.integer("n"));
        assertTrue(o.has("z"));
        assertEquals(Optional.empty(), o.optionalString("z"));
        assertEquals(Optional.empty(), o.optionalString("missing"));
        assertEquals(0, FlatJson.parse("{}").fieldNames().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "\"s\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}",
        "{\"a\":1}x", "{\"a\":1}{}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-}",
        "{\"a\":+1}", "{\"a\":99999999999999999999}", "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}",
        "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\there\"}",
        "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00x\"}", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1,\"a\":1}",
        "{\"a\":1,\"a\":\"dup\"}", "\u00a0{}",
    })
    void refusesMalformedInput(String text) {
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> FlatJson.parse(text));
        assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
    }

    @Test
    void namesThePositionOrFieldWithoutEchoingValues() {
        MalformedFrameException e = assertThrows(MalformedFrameException.class,
                () -> FlatJson.parse("{\"seq\":1.5,\"ciphertext\":\"c0ffee\"}"));
        assertEquals("malformed JSON at position 8: numbers must be integers (no fraction or exponent)", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> FlatJson.parse("{\"secret\":\"c0ffee\" x}"));
        assertEquals("malformed JSON at position 19: expected ',' or '}'", e.getMessage());
        e = assertThrows(MalformedFrameException.class, () -> FlatJson.parse("{\"c0ffee\":1,\"c0ffee\":2}"));
        assertEquals("malformed JSON at position 22: a field name appears twice", e.getMessage());
        assertThrows(MalformedFrameException.class, () -> FlatJson.parse(null));
        assertThrows(MalformedFrameException.class, () -> FlatJson.parse("{\"a\":\"" + "x".repeat(FlatJson.MAX_CHARS) + "\"}"));
    }

    @Test
    void typedAccessorsNameTheField() {
        FlatJson o = FlatJson.parse("{\"s\":\"x\",\"n\":1,\"b\":true}");
        assertEquals("field 'n' must be a string", assertThrows(MalformedFrameException.class, () -> o.string("n")).getMessage());
        assertEquals("field 's' must be an integer", assertThrows(MalformedFrameException.class, () -> o.integer("s")).getMessage());
        assertEquals("field 's' must be true or false", assertThrows(MalformedFrameException.class, () -> o.bool("s")).getMessage());
        assertEquals("missing field 'q'", assertThrows(MalformedFrameException.class, () -> o.string("q")).getMessage());
    }

    @Test
    void writerRefusesDuplicateNamesAndEscapesUnpairedSurrogates() {
        assertThrows(IllegalArgumentException.class, () -> FlatJson.writer().integer("a", 1).integer("a", 2));
        String json = FlatJson.writer().string("s", "x\ud800y").toString();
        assertEquals("{\"s\":\"x\\ud800y\"}", json);
    }
}
