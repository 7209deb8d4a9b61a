package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The KMS {@code /link_status} object (DESIGN §4). QBER values are fractions (0.25 = 25 %).
 * While RED is latched {@code qber} keeps the breach value and {@code lastRoundQber} is live.
 */
public record LinkStatus(LinkState state, double qber, double lastRoundQber, long keysIssued,
                         long totalSessions, long attacksDetected, long activeSessions, boolean eveActive,
                         double eveRate, long version, long round, double keyRateBps, long poolBits) {

    static LinkStatus fromJson(JsonNode json) {
        return new LinkStatus(LinkState.fromKms(json.path("status").asText(null)),
                json.path("qber").asDouble(0), json.path("last_round_qber").asDouble(json.path("qber").asDouble(0)),
                json.path("total_keys_issued").asLong(0), json.path("total_sessions").asLong(0),
                json.path("attacks_detected").asLong(0), json.path("active_sessions").asLong(0),
                json.path("eve_active").asBoolean(false), json.path("eve_intercept_rate").asDouble(0),
                json.path("version").asLong(0),
                json.path("round").asLong(0), json.path("key_rate_bps").asDouble(0), json.path("pool_bits").asLong(0));
    }
}
