package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import qstcs.kms.store.PostgresCluster;
import qstcs.testing.Await;

/**
 * The operator's board outlives a KMS restart: alarms (one acknowledged, by whom and when, one
 * still waiting) and the link history the console draws (samples and markers) are there again
 * after the KMS stops and starts on the same state, in the embedded SQLite file and on
 * PostgreSQL ({@code --db}). A breach still latched does not raise a second alarm beside its own.
 */
class MonitoringRestartIT {

    @Test
    void alarmsAndHistorySurviveARestartOnSqlite() throws Exception {
        survivesRestart(KmsTestServer.tempHome());
    }

    @Test
    void alarmsAndHistorySurviveARestartOnPostgresql() throws Exception {
        try (PostgresCluster postgres = PostgresCluster.startOrSkip("board on PostgreSQL (MonitoringRestartIT)")) {
            String url = postgres.createDatabase("board");
            try (AutoCloseable login = postgres.passwordForThisJvm()) {
                survivesRestart(KmsTestServer.tempHome(), "--db", url);
            }
        }
    }

    private static void survivesRestart(Path home, String... flags) {
        long acknowledged;
        long waiting;
        JsonNode historyBefore;
        try (KmsTestServer first = new KmsTestServer(home, flags)) {
            Await.until("a few samples", () -> first.get("/admin/history?range=all").json().get("samples").size() >= 2);
            assertEquals(200, first.post("/force_attack", "{}").code());
            acknowledged = Await.value("the first alarm", () -> first.get("/admin/alarms"),
                    r -> r.json().get("unacknowledged").asLong() == 1).json().get("alarms").get(0).get("id").asLong();
            var ack = first.post("/admin/alarms/" + acknowledged + "/ack", "{\"note\":\"checked the fibre\"}");
            assertEquals(200, ack.code(), ack.body());
            assertEquals(200, first.post("/reset", "{}").code());
            Await.until("a round after the reset", () -> first.get("/admin/history?range=all").json().get("samples").size() >= 3);
            assertEquals(200, first.post("/force_attack", "{}").code());
            waiting = Await.value("the second alarm", () -> first.get("/admin/alarms"),
                    r -> r.json().get("unacknowledged").asLong() == 1).json().get("alarms").get(0).get("id").asLong();
            historyBefore = first.get("/admin/history?range=all").json();
        }

        try (KmsTestServer second = new KmsTestServer(home, flags)) {
            JsonNode alarms = second.get("/admin/alarms").json();
            assertEquals(2, alarms.get("alarms").size(), "both alarms, no duplicate for the still latched breach: " + alarms);
            assertEquals(1, alarms.get("unacknowledged").asLong(), alarms.toString());
            JsonNode done = byId(alarms, acknowledged);
            assertTrue(done.get("acknowledged").asBoolean(), done.toString());
            assertTrue(done.get("acknowledged_by").asText().startsWith("operator"), done.toString());
            assertFalse(done.get("acknowledged_at").isNull(), done.toString());
            assertEquals("forced_attack", done.get("kind").asText());
            JsonNode open = byId(alarms, waiting);
            assertFalse(open.get("acknowledged").asBoolean(), open.toString());
            assertTrue(open.get("qber").asDouble() >= 0.11, open.toString());

            JsonNode history = second.get("/admin/history?range=all").json();
            Instant firstSample = Instant.parse(historyBefore.get("samples").get(0).get("at").asText());
            assertEquals(firstSample, Instant.parse(history.get("samples").get(0).get("at").asText()),
                    "the charts start where they started before the restart");
            assertFalse(Instant.parse(history.get("from").asText()).isAfter(firstSample), history.get("from").asText());
            assertTrue(history.get("samples").size() >= 3, "kept samples: " + history.get("samples").size());
            List<String> kinds = new ArrayList<>();
            history.get("markers").forEach(m -> kinds.add(m.get("kind").asText()));
            assertTrue(kinds.containsAll(List.of("forced_attack", "reset")), kinds.toString());
            assertEquals(2, kinds.stream().filter("start"::equals).count(), "both starts are marked: " + kinds);

            // Alarm ids keep growing after a restart: an acknowledgement never hits an older alarm.
            assertEquals(200, second.post("/reset", "{}").code());
            assertEquals(200, second.post("/force_attack", "{}").code());
            long third = Await.value("a third alarm", () -> second.get("/admin/alarms"),
                    r -> r.json().get("unacknowledged").asLong() == 2).json().get("alarms").get(0).get("id").asLong();
            assertTrue(third > waiting, third + " after " + waiting);
        }
    }

    private static JsonNode byId(JsonNode alarms, long id) {
        for (JsonNode a : alarms.get("alarms")) {
            if (a.get("id").asLong() == id) {
                return a;
            }
        }
        throw new AssertionError("alarm " + id + " is missing: " + alarms);
    }
}
