package qstcs.crypto.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A strict reader and compact writer for flat JSON objects: the shape of every QSTCS frame.
 * Values are strings, integers (they fit a {@code long}), {@code true}, {@code false} or
 * {@code null}; nested objects, arrays, fractions and exponents are refused, as are duplicate
 * names, raw control characters, unpaired surrogates and trailing text. Refusals are
 * {@link MalformedFrameException}s naming the position (or, for the typed accessors, the field the
 * caller asked for) and never repeating any input text: frames carry key material and ciphertext.
 *
 * <p>Strictness matters here because frames cross a relay we do not trust: two parsers that
 * disagree about a duplicate field would let a relay show one value and authenticate another.
 */
public final class FlatJson {

    /** Longest text accepted; the relay limits frames to 64 KiB, this leaves room. */
    public static final int MAX_CHARS = 256 * 1024;

    private final Map<String, Object> fields;

    private FlatJson(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Parses one flat JSON object. */
    public static FlatJson parse(String text) {
        if (text == null) {
            throw new MalformedFrameException("malformed JSON: no text");
        }
        if (text.length() > MAX_CHARS) {
            throw new MalformedFrameException("malformed JSON: longer than " + MAX_CHARS + " characters");
        }
        return new FlatJson(new Reader(text, false).object());
    }

    /**
     * Parses one flat JSON object whose numbers may have a fraction or exponent (read with
     * {@link #decimal}). For status objects that carry measurements such as a QBER; frames use
     * {@link #parse}, which refuses fractions so that a frame has one spelling.
     */
    public static FlatJson parseWithFractions(String text) {
        if (text == null) {
            throw new MalformedFrameException("malformed JSON: no text");
        }
        if (text.length() > MAX_CHARS) {
            throw new MalformedFrameException("malformed JSON: longer than " + MAX_CHARS + " characters");
        }
        return new FlatJson(new Reader(text, true).object());
    }

    /** Starts a compact JSON object; fields are written in the order they are added. */
    public static Writer writer() {
        return new Writer();
    }

    public Set<String> fieldNames() {
        return fields.keySet();
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** A required string field. */
    public String string(String field) {
        Object v = required(field);
        if (!(v instanceof String s)) {
            throw new MalformedFrameException("field '" + field + "' must be a string");
        }
        return s;
    }

    /** An optional string field; present-but-null counts as absent. */
    public Optional<String> optionalString(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new MalformedFrameException("field '" + field + "' must be a string");
        }
        return Optional.of(s);
    }

    /** A required integer field. */
    public long integer(String field) {
        Object v = required(field);
        if (!(v instanceof Long l)) {
            throw new MalformedFrameException("field '" + field + "' must be an integer");
        }
        return l;
    }

    /** A required number field, integer or (from {@link #parseWithFractions}) fractional. */
    public double decimal(String field) {
        Object v = required(field);
        if (!(v instanceof Number n)) {
            throw new MalformedFrameException("field '" + field + "' must be a number");
        }
        return n.doubleValue();
    }

    /** A required boolean field. */
    public boolean bool(String field) {
        Object v = required(field);
        if (!(v instanceof Boolean b)) {
            throw new MalformedFrameException("field '" + field + "' must be true or false");
        }
        return b;
    }

    private Object required(String field) {
        Object v = fields.get(field);
        if (v == null) {
            throw new MalformedFrameException("missing field '" + field + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        return "FlatJson" + fields.keySet();
    }

    /** Compact JSON writer ({@code {"a":"b","n":1}}, no spaces), the form the KMS and relay use. */
    public static final class Writer {
        private final StringBuilder sb = new StringBuilder(1024).append('{');
        private final java.util.HashSet<String> names = new java.util.HashSet<>();

        private Writer() {
        }

        public Writer string(String name, String value) {
            name(name);
            quote(value);
            return this;
        }

        public Writer integer(String name, long value) {
            name(name);
            sb.append(value);
            return this;
        }

        /** A finite number in its shortest exact decimal form ({@link Double#toString}). */
        public Writer decimal(String name, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("field '" + name + "' must be a finite number");
            }
            name(name);
            sb.append(value);
            return this;
        }

        public Writer bool(String name, boolean value) {
            name(name);
            sb.append(value);
            return this;
        }

        @Override
        public String toString() {
            return sb + "}";
        }

        private void name(String name) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("field '" + name + "' written twice");
            }
            if (sb.length() > 1) {
                sb.append(',');
            }
            quote(name);
            sb.append(':');
        }

        /** Copies runs of plain characters in one append; only the rare special ones are escaped. */
        private void quote(String s) {
            sb.append('"');
            int run = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                    continue;
                }
                String escaped = escape(s, i, c);
                if (escaped != null) {
                    sb.append(s, run, i).append(escaped);
                    run = i + 1;
                }
            }
            sb.append(s, run, s.length()).append('"');
        }

        /** The escape for {@code c} at {@code i}, or null when it may stay (a valid surrogate pair). */
        private static String escape(String s, int i, char c) {
            return switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || !validSurrogateAt(s, i)
                        // Unpaired surrogates are escaped so the output stays valid UTF-8 text.
                        ? String.format("\\u%04x", (int) c)
                        : null;
            };
        }

        private static boolean validSurrogateAt(String s, int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            }
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }

    /** Recursive-descent reader over one flat object; {@code pos} always points at the next char. */
    private static final class Reader {
        private final String s;
        private final boolean fractions;
        private int pos;

        Reader(String s, boolean fractions) {
            this.s = s;
            this.fractions = fractions;
        }

        Map<String, Object> object() {
            Map<String, Object> out = new LinkedHashMap<>();
            skipWs();
            expect('{', "an object '{'");
            skipWs();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWs();
                    if (peek() != '"') {
                        throw error("expected a field name");
                    }
                    String name = string();
                    skipWs();
                    expect(':', "':'");
                    skipWs();
                    Object value = value();
                    if (out.containsKey(name)) {
                        throw error("a field name appears twice");
                    }
                    out.put(name, value);
                    skipWs();
                    char c = peek();
                    pos++;
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        pos--;
                        throw error("expected ',' or '}'");
                    }
                }
            }
            skipWs();
            if (pos != s.length()) {
                throw error("unexpected text after the object");
            }
            return out;
        }

        private Object value() {
            char c = peek();
            switch (c) {
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                case '{':
                case '[':
                    throw error("nested objects and arrays are not accepted");
                default:
                    if (c == '-' || c >= '0' && c <= '9') {
                        return number();
                    }
                    throw error("expected a value");
            }
        }

        private Number number() {
            int start = pos;
            Long whole = integer();
            if (!fractions || pos >= s.length() || "eE.".indexOf(s.charAt(pos)) < 0) {
                return whole;
            }
            if (s.charAt(pos) == '.') {
                pos++;
                requireDigits("expected digits after '.'");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                requireDigits("expected digits in the exponent");
            }
            double value = Double.parseDouble(s.substring(start, pos));
            if (!Double.isFinite(value)) {
                pos = start;
                throw error("number outside the double range");
            }
            return value;
        }

        private void requireDigits(String problem) {
            int from = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == from) {
                throw error(problem);
            }
        }

        private Long integer() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digitsStart = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw error("expected digits");
            }
            if (digits > 1 && s.charAt(digitsStart) == '0') {
                throw error("leading zeros are not allowed");
            }
            if (!fractions && pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                throw error("numbers must be integers (no fraction or exponent)");
            }
            try {
                return Long.parseLong(s, start, pos, 10);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("number outside the 64-bit integer range");
            }
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    String out = sb == null ? s.substring(runStart, pos) : sb.append(s, runStart, pos).toString();
                    pos++;
                    checkSurrogates(out);
                    return out;
                }
                if (c < 0x20) {
                    throw error("raw control character in a string");
                }
                if (c == '\\') {
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(s, runStart, pos);
                    pos++;
                    if (pos >= s.length()) {
                        throw error("unterminated escape");
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> sb.append(unicodeEscape());
                        default -> {
                            pos--;
                            throw error("invalid escape");
                        }
                    }
                    runStart = pos;
                } else {
                    pos++;
                }
            }
        }

        private char unicodeEscape() {
            if (pos + 4 > s.length()) {
                throw error("short \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(pos + i), 16);
                if (d < 0) {
                    throw error("invalid \\u escape");
                }
                v = v << 4 | d;
            }
            pos += 4;
            return (char) v;
        }

        private void checkSurrogates(String str) {
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw error("the string before this position contains an unpaired surrogate");
                }
            }
        }

        private void literal(String word) {
            if (!s.startsWith(word, pos)) {
                throw error("expected a value");
            }
            pos += word.length();
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw error("expected " + what);
            }
            pos++;
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end of text");
            }
            return s.charAt(pos);
        }

        private void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private MalformedFrameException error(String what) {
            return new MalformedFrameException("malformed JSON at position " + pos + ": " + what);
        }
    }
}
