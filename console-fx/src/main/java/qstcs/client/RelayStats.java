package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the relay's read-only {@code /stats} reports that the console shows: who is online, how many
 * frames it relayed, how many wait for offline recipients, and the link state the relay acts on.
 */
public record RelayStats(int onlineDevices, long messagesRelayed, long queuedFrames, String linkStatus,
                         java.util.Set<String> onlineIds) {

    public RelayStats {
        onlineIds = java.util.Set.copyOf(onlineIds);
    }

    public static RelayStats fromJson(JsonNode json) {
        JsonNode online = json.path("online");
        int count = json.has("online_count") ? json.path("online_count").asInt()
                : online.isArray() ? online.size() : online.asInt(0);
        return new RelayStats(count, json.path("frames_relayed").asLong(0), json.path("queued_frames").asLong(0),
                json.path("link_status").asText("?"), ids(online));
    }

    /** The device ids the relay lists as online (it names them to the operator only). */
    private static java.util.Set<String> ids(JsonNode online) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (online.isArray()) {
            online.forEach(id -> out.add(id.asText()));
        }
        return out;
    }
}
