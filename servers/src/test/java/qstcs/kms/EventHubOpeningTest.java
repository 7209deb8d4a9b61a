package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import qstcs.server.common.Json;

/**
 * A new {@code /events} subscriber starts with the current status even when events were
 * published between its subscription and the snapshot: those follow it, an older status among
 * them is dropped, and ids still increase along the stream.
 */
class EventHubOpeningTest {

    @Test
    void theOpeningStatusComesFirstAndWhatRacedInFollows() throws Exception {
        EventHub hub = new EventHub();
        try (EventHub.Subscription sub = hub.subscribe()) {
            hub.publish("round", json("round", 7));
            hub.publish("status", json("version", 4));
            hub.publish("audit", json("id", 1));
            hub.open(sub, List.of(Map.entry("status", json("version", 5)), Map.entry("router", json("router", 1))));

            List<String> names = new java.util.ArrayList<>();
            long lastId = 0;
            EventHub.Event e;
            while ((e = sub.next(Duration.ofMillis(50))) != null) {
                names.add(e.name() + (e.name().equals("status") ? e.data() : ""));
                assertTrue(e.id() > lastId, "ids increase: " + names);
                lastId = e.id();
            }
            assertEquals(List.of("status{\"version\":5}", "router", "round", "audit"), names);
            assertNull(sub.next(Duration.ofMillis(1)));
        }
    }

    private static JsonNode json(String field, long value) {
        return Json.object().put(field, value);
    }
}
