package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One reading of the KMS {@code /link_status} (also the body of its {@code status} events): the
 * link colour, the QBER the audience should see (while RED it stays at the breach value, and
 * {@code lastRoundQber} is live), the {@code version} that long-polls wait on, and the counters an
 * operator watches. QBER values are fractions (0.25 = 25 %).
 */
public record LinkStatus(Color color, double qber, double lastRoundQber, long version, long attacksDetected,
                         boolean eveActive, Counters counters) {

    /** The link colours; UNKNOWN until the KMS has answered once. */
    public enum Color {
        GREEN, YELLOW, RED, UNKNOWN;

        /** The KMS's {@code status} field; anything else is UNKNOWN. */
        public static Color parse(String s) {
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

    /** What the operator's dashboard counts; a device reads only the colour and QBER. */
    public record Counters(long keysIssued, long totalSessions, long activeSessions, double eveRate, long round,
                           double keyRateBps, long poolBits) {
        public static final Counters NONE = new Counters(0, 0, 0, 0, 0, 0, 0);
    }

    public static final LinkStatus UNKNOWN = new LinkStatus(Color.UNKNOWN, Double.NaN, Double.NaN, -1, 0, false,
            Counters.NONE);

    /** Reads the KMS's JSON; a field it leaves out reads as unknown (NaN, -1) or zero. */
    public static LinkStatus fromJson(JsonNode n) {
        double qber = n.path("qber").asDouble(Double.NaN);
        return new LinkStatus(Color.parse(n.path("status").asText(null)), qber,
                n.path("last_round_qber").asDouble(qber), n.path("version").asLong(-1),
                n.path("attacks_detected").asLong(0), n.path("eve_active").asBoolean(false),
                new Counters(n.path("total_keys_issued").asLong(0), n.path("total_sessions").asLong(0),
                        n.path("active_sessions").asLong(0), n.path("eve_intercept_rate").asDouble(0),
                        n.path("round").asLong(0), n.path("key_rate_bps").asDouble(0), n.path("pool_bits").asLong(0)));
    }

    public boolean compromised() {
        return color == Color.RED;
    }
}
