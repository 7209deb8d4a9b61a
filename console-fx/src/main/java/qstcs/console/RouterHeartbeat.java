package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** The last heartbeat of the router guard, stamped with the console's own clock when it arrived. */
public record RouterHeartbeat(String routerId, String state, boolean rulePresent, Instant receivedAt) {

    static RouterHeartbeat fromJson(JsonNode json, Instant receivedAt) {
        return new RouterHeartbeat(json.path("router_id").asText("router"), json.path("state").asText("UNKNOWN"),
                json.path("rule_present").asBoolean(false), receivedAt);
    }
}
