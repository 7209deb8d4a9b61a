package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;

/** What the relay's read-only {@code /stats} reports that the console shows. */
public record RelayStats(int onlineDevices, long messagesRelayed) {

    static RelayStats fromJson(JsonNode json) {
        JsonNode online = json.has("online_devices") ? json.get("online_devices") : json.path("online");
        int count = online.isArray() ? online.size() : online.asInt(0);
        JsonNode counters = json.has("counters") ? json.get("counters") : json;
        long relayed = counters.has("messages_relayed") ? counters.path("messages_relayed").asLong()
                : counters.path("relayed").asLong(counters.path("frames_relayed").asLong(0));
        return new RelayStats(count, relayed);
    }
}
