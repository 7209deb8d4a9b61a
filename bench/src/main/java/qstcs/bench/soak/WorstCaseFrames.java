package qstcs.bench.soak;

/**
 * The relay's most expensive well-formed frames: a {@code ping} object stuffed with distinct keys,
 * either plain ({@code k0, k1, …}) or all sharing one {@code String} hash code (every key is 11
 * pairs of "Aa"/"BB", which hash alike), up to a length.
 */
public final class WorstCaseFrames {

    private WorstCaseFrames() {
    }

    /** A ping frame of at most {@code maxChars} characters whose keys all share one String hash code. */
    public static String collidingKeys(int maxChars) {
        StringBuilder b = new StringBuilder("{\"type\":\"ping\"");
        for (int k = 0; k < 2_048; k++) {
            StringBuilder key = new StringBuilder();
            for (int bit = 0; bit < 11; bit++) {
                key.append((k >> bit & 1) == 0 ? "Aa" : "BB");
            }
            if (b.length() + key.length() + 6 > maxChars - 1) {
                break;
            }
            b.append(",\"").append(key).append("\":0");
        }
        return b.append('}').toString();
    }

    /** A ping frame of at most {@code maxChars} characters with distinct plain keys. */
    public static String plainKeys(int maxChars) {
        StringBuilder b = new StringBuilder("{\"type\":\"ping\"");
        for (int k = 0; ; k++) {
            String key = "k" + k;
            if (b.length() + key.length() + 6 > maxChars - 1) {
                break;
            }
            b.append(",\"").append(key).append("\":0");
        }
        return b.append('}').toString();
    }
}
