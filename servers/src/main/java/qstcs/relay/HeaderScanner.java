package qstcs.relay;

/**
 * A strict single-pass JSON scanner for client frames (RFC 8259, as strict as Jackson's defaults
 * with duplicate detection): it checks that the text is exactly one well-formed JSON value, and
 * decodes only the top-level string fields the relay routes on. Every other value (nonce,
 * ciphertext, ek, ct, nested objects) is checked character by character and skipped: it is never
 * decoded, copied or turned into objects. One frame costs one pass over its characters and a few
 * short strings; a tree parser would allocate a node per value and a string per field.
 */
final class HeaderScanner {

    /** Deeper nesting is malformed (Jackson's default limit, so the answers stay the same). */
    static final int MAX_DEPTH = 1000;
    /** Longer numbers are malformed (Jackson's default limit). */
    static final int MAX_NUMBER_CHARS = 1000;
    /**
     * Objects with up to this many keys check duplicates by comparing spans in place (no
     * allocation, the common case); larger ones switch to a hash set, so a frame stuffed with
     * thousands of keys costs linear, not quadratic, time.
     */
    static final int SMALL_OBJECT_KEYS = 8;

    /** What the text turned out to be. */
    enum Shape { OBJECT, NOT_OBJECT, MALFORMED, TRAILING }

    /** Malformed input. Carries nothing about the input and no stack trace; shared. */
    private static final class Malformed extends Exception {
        Malformed() {
            super("malformed JSON", null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    private final String s;
    private final int n;
    private int i;

    String type;
    String id;
    String sender;
    String recipient;
    String deviceId;
    String token;
    /** A routing field held something other than a string. */
    boolean wrongType;
    /** Key comparisons and set look-ups done for duplicate detection: the work a frame cost. */
    int keyProbes;

    HeaderScanner(String text) {
        this.s = text;
        this.n = text.length();
    }

    /** Scans the whole text; the routing fields are set when the result is {@link Shape#OBJECT}. */
    Shape scan() {
        skipWhitespace();
        if (i == n) {
            return Shape.MALFORMED;
        }
        try {
            if (s.charAt(i) != '{') {
                // Only the first token decides, as with a streaming parser: "[1," is not an object.
                return firstTokenIsValue() ? Shape.NOT_OBJECT : Shape.MALFORMED;
            }
            object(1, true);
        } catch (Malformed | StringIndexOutOfBoundsException e) {
            return Shape.MALFORMED;
        }
        skipWhitespace();
        return i == n ? Shape.OBJECT : Shape.TRAILING;
    }

    private boolean firstTokenIsValue() throws Malformed {
        char c = s.charAt(i);
        if (c == '[' || c == '"') {
            return true;
        }
        if (c == 't' || c == 'f' || c == 'n') {
            literal();
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            number();
            // A number at the root must be followed by whitespace or the end.
            return i == n || isWhitespace(s.charAt(i));
        }
        return false;
    }

    /** At '{': a whole object; at the top level it also picks up the routing fields. */
    private void object(int depth, boolean top) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw MALFORMED;
        }
        i++;
        skipWhitespace();
        if (peek() == '}') {
            i++;
            return;
        }
        // Key spans of the first keys, for duplicate detection: start/end pairs, escaped keys
        // negated. Past SMALL_OBJECT_KEYS every key (decoded) goes into a set instead.
        int[] keys = new int[2 * SMALL_OBJECT_KEYS];
        java.util.Set<String> many = null;
        int count = 0;
        while (true) {
            if (peek() != '"') {
                throw MALFORMED;
            }
            int keyStart = i + 1;
            boolean escaped = string();
            int keyEnd = i - 1;
            if (many != null) {
                keyProbes++;
                if (!many.add(key(keyStart, keyEnd, escaped))) {
                    throw MALFORMED;
                }
            } else if (count == SMALL_OBJECT_KEYS) {
                many = new java.util.HashSet<>();
                for (int k = 0; k < count; k++) {
                    int start = keys[2 * k];
                    many.add(start < 0 ? decode(-start - 1, keys[2 * k + 1]) : s.substring(start, keys[2 * k + 1]));
                }
                keyProbes++;
                if (!many.add(key(keyStart, keyEnd, escaped))) {
                    throw MALFORMED;
                }
            } else {
                for (int k = 0; k < count; k++) {
                    keyProbes++;
                    if (sameKey(keys[2 * k], keys[2 * k + 1], keyStart, keyEnd, escaped)) {
                        throw MALFORMED;
                    }
                }
                keys[2 * count] = escaped ? -keyStart - 1 : keyStart;
                keys[2 * count + 1] = keyEnd;
            }
            count++;
            skipWhitespace();
            if (peek() != ':') {
                throw MALFORMED;
            }
            i++;
            skipWhitespace();
            int field = top ? routingField(keyStart, keyEnd, escaped) : -1;
            if (field < 0) {
                value(depth);
            } else if (peek() == '"') {
                int start = i + 1;
                boolean esc = string();
                String v = esc ? decode(start, i - 1) : s.substring(start, i - 1);
                switch (field) {
                    case 0 -> type = v;
                    case 1 -> id = v;
                    case 2 -> sender = v;
                    case 3 -> recipient = v;
                    case 4 -> deviceId = v;
                    default -> token = v;
                }
            } else {
                wrongType = true;
                value(depth);
            }
            skipWhitespace();
            char c = peek();
            i++;
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw MALFORMED;
            }
            skipWhitespace();
        }
    }

    private static final String[] ROUTING = {"type", "id", "sender", "recipient", "device_id", "token"};

    private int routingField(int start, int end, boolean escaped) {
        String key = escaped ? decode(start, end) : null;
        for (int f = 0; f < ROUTING.length; f++) {
            String name = ROUTING[f];
            if (key != null ? key.equals(name)
                    : end - start == name.length() && s.regionMatches(start, name, 0, name.length())) {
                return f;
            }
        }
        return -1;
    }

    private String key(int start, int end, boolean escaped) {
        return escaped ? decode(start, end) : s.substring(start, end);
    }

    private boolean sameKey(int otherStart, int otherEnd, int start, int end, boolean escaped) {
        boolean otherEscaped = otherStart < 0;
        int os = otherEscaped ? -otherStart - 1 : otherStart;
        if (!escaped && !otherEscaped) {
            return end - start == otherEnd - os && s.regionMatches(start, s, os, end - start);
        }
        return decode(start, end).equals(decode(os, otherEnd));
    }

    private void value(int depth) throws Malformed {
        char c = peek();
        switch (c) {
            case '{' -> object(depth + 1, false);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't', 'f', 'n' -> literal();
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw MALFORMED;
                }
            }
        }
    }

    private void array(int depth) throws Malformed {
        if (depth > MAX_DEPTH) {
            throw MALFORMED;
        }
        i++;
        skipWhitespace();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            value(depth);
            skipWhitespace();
            char c = peek();
            i++;
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw MALFORMED;
            }
            skipWhitespace();
        }
    }

    /** At '"': moves past the closing quote; true when the string holds escapes. */
    private boolean string() throws Malformed {
        i++;
        boolean escaped = false;
        while (true) {
            if (i >= n) {
                throw MALFORMED;
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return escaped;
            }
            if (c == '\\') {
                escaped = true;
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    }
                    case 'u' -> {
                        for (int k = 0; k < 4; k++) {
                            if (Character.digit(s.charAt(i++), 16) < 0) {
                                throw MALFORMED;
                            }
                        }
                    }
                    default -> throw MALFORMED;
                }
            } else if (c < 0x20) {
                throw MALFORMED;
            }
        }
    }

    private void literal() throws Malformed {
        String word = switch (s.charAt(i)) {
            case 't' -> "true";
            case 'f' -> "false";
            default -> "null";
        };
        if (!s.startsWith(word, i)) {
            throw MALFORMED;
        }
        i += word.length();
        if (i < n && Character.isJavaIdentifierPart(s.charAt(i))) {
            throw MALFORMED; // "nullx", "trueish"
        }
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() throws Malformed {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        char c = peek();
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            digits();
        } else {
            throw MALFORMED;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            if (digits() == 0) {
                throw MALFORMED;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            if (digits() == 0) {
                throw MALFORMED;
            }
        }
        if (i - start > MAX_NUMBER_CHARS) {
            throw MALFORMED;
        }
    }

    private int digits() {
        int start = i;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i - start;
    }

    private char peek() throws Malformed {
        if (i >= n) {
            throw MALFORMED;
        }
        return s.charAt(i);
    }

    private void skipWhitespace() {
        while (i < n && isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** The value of a string already checked by {@link #string()}, escapes resolved. */
    private String decode(int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int k = start; k < end; k++) {
            char c = s.charAt(k);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++k);
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s, k + 1, k + 5, 16));
                    k += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
