package qstcs.kms;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of anonymous refused requests (no token, varying paths) costs the audit log one entry
 * per source and reason, plus one entry per interval that counts the rest, and the operator's
 * event stream stays open and still carries the status change that follows.
 */
class AnonymousRefusalFloodIT {

    private static final int FLOOD = 800;
    private static KmsTestServer kms;

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsTestServer(KmsTestServer.tempHome());
        kms.awaitPool(256);
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    @Test
    void refusalsFoldIntoFewAuditEntriesAndTheOperatorStreamSurvives() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        EventSource stream = EventSources.createFactory(kms.https).newEventSource(
                kms.asLegitimateCaller("GET", "/events", null, null).build(), new EventSourceListener() {
                    @Override
                    public void onEvent(EventSource es, String id, String type, String data) {
                        events.add(type + " " + data);
                    }

                    @Override
                    public void onClosed(EventSource es) {
                        events.add("closed");
                    }

                    @Override
                    public void onFailure(EventSource es, Throwable t, Response response) {
                        events.add("failure");
                    }
                });
        try {
            Await.until("the operator's stream has its first status", () -> events.stream().anyMatch(e -> e.startsWith("status")));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                Request.Builder r = new Request.Builder();
                if (i % 2 == 0) {
                    r.url(kms.tlsUrl("/get_session_key")).post(RequestBody.create("{}", KmsTestServer.JSON));
                } else {
                    r.url(kms.tlsUrl("/admin/devices/Soldier_" + i)).delete();
                }
                codes.add(pool.submit(() -> KmsTestServer.call(kms.https, r.build()).code()));
            }
            for (Future<Integer> c : codes) {
                int code = c.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
                assertEquals(401, code, "refused without a token");
            }
            pool.shutdown();

            assertEquals("RED", kms.post("/force_attack", "").text("status"));
            Await.until("the operator's stream carries the RED status after the flood",
                    () -> events.stream().anyMatch(e -> e.startsWith("status") && e.contains("\"RED\"")));
            assertTrue(events.stream().noneMatch(e -> e.equals("closed") || e.equals("failure")),
                    "the operator's stream was dropped");

            List<JsonNode> refusals = Await.value("an entry counting the held-back refusals",
                    AnonymousRefusalFloodIT::anonymousRefusals,
                    rows -> rows.stream().anyMatch(e -> e.get("detail").asText().contains("more like it")));
            long counted = refusals.size();
            for (JsonNode e : refusals) {
                String detail = e.get("detail").asText();
                int at = detail.indexOf("(and ");
                if (at >= 0) {
                    counted += Long.parseLong(detail.substring(at + 5, detail.indexOf(' ', at + 5)));
                }
            }
            assertTrue(refusals.size() <= 8, refusals.size() + " audit entries for " + FLOOD + " refusals: " + refusals);
            // Every refusal is accounted for, written or counted (the SSE client's own first
            // attempt may add one of its own).
            assertTrue(counted >= FLOOD && counted <= FLOOD + 4, counted + " refusals accounted for: " + refusals);
        } finally {
            stream.cancel();
            kms.post("/reset", "");
        }
    }

    private static List<JsonNode> anonymousRefusals() {
        List<JsonNode> out = new ArrayList<>();
        for (AuditLog.Entry e : kms.kms.audit().page(200, Long.MAX_VALUE)) {
            if (e.kind().equals("auth_failure") && e.actor().startsWith("anonymous@")) {
                out.add(KmsTestServer.MAPPER.valueToTree(java.util.Map.of("detail", e.detail())));
            }
        }
        return out;
    }
}
