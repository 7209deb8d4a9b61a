package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One completed link round as the history tiles plot it: the round's estimated QBER (a fraction)
 * and the secret key rate the KMS reports after it. A new instance per round, so listeners fire
 * even when two rounds carry equal numbers.
 */
public record RoundSample(long round, double qber, double keyRateBps, boolean aborted) {

    static RoundSample fromJson(JsonNode json, double fallbackKeyRate) {
        double qber = json.has("estimated_qber") ? json.path("estimated_qber").asDouble() : json.path("qber").asDouble(0);
        double rate = json.has("key_rate_bps") ? json.path("key_rate_bps").asDouble() : fallbackKeyRate;
        boolean aborted = json.path("aborted").asBoolean(false)
                || !"NONE".equals(json.path("abort_reason").asText("NONE"));
        return new RoundSample(json.path("round").asLong(0), qber, rate, aborted);
    }
}
