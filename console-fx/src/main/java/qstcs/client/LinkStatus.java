package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One reading of the KMS {@code /link_status}: the link colour, the QBER the audience should see
 * (while RED it stays at the breach value) and the {@code version} that long-polls wait on.
 */
public record LinkStatus(Color color, double qber, double lastRoundQber, long version, long attacksDetected,
                         boolean eveActive) {

    /** The link colours of DESIGN.md §4; UNKNOWN until the KMS has answered once. */
    public enum Color {
        GREEN, YELLOW, RED, UNKNOWN;

        /** Keys are issued on GREEN and YELLOW only. */
        public boolean issuesKeys() {
            return this == GREEN || this == YELLOW;
        }

        static Color parse(String s) {
            if (s == null) {
                return UNKNOWN;
            }
            return switch (s.toUpperCase(Locale.ROOT)) {
                case "GREEN" -> GREEN;
                case "YELLOW" -> YELLOW;
                case "RED" -> RED;
                default -> UNKNOWN;
            };
        }
    }

    public static final LinkStatus UNKNOWN = new LinkStatus(Color.UNKNOWN, Double.NaN, Double.NaN, -1, 0, false);

    static LinkStatus fromJson(JsonNode n) {
        return new LinkStatus(Color.parse(n.path("status").asText(null)), n.path("qber").asDouble(Double.NaN),
                n.path("last_round_qber").asDouble(n.path("qber").asDouble(Double.NaN)), n.path("version").asLong(-1),
                n.path("attacks_detected").asLong(0), n.path("eve_active").asBoolean(false));
    }

    public boolean compromised() {
        return color == Color.RED;
    }
}
