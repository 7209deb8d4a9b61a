package qstcs.kms;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long-poll and Server-Sent Events: how the guard, the relay and the console learn of changes. */
class LinkEventsTest {
    private static KmsTestServer kms;

    @BeforeAll
    static void start() {
        kms = new KmsTestServer(KmsTestServer.tempHome());
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    @AfterEach
    void reset() {
        kms.post("/reset", "");
    }

    @Test
    void longPollReturnsRightAfterAForcedAttackAndAtOnceWhenStale() throws Exception {
        long version = kms.get("/link_status").json().get("version").asLong();
        CompletableFuture<Long> polledAt = new CompletableFuture<>();
        CompletableFuture<JsonNode> polled = CompletableFuture.supplyAsync(() -> {
            var r = kms.get("/link_status?wait=30&version=" + version);
            polledAt.complete(System.nanoTime());
            return r.json();
        });
        Thread.sleep(400);
        assertFalse(polled.isDone(), "the long-poll must wait while nothing changes");

        var attack = kms.post("/force_attack", "");
        long attackAnsweredAt = System.nanoTime();
        assertEquals("RED", attack.text("status"));
        JsonNode status = polled.get(5, TimeUnit.SECONDS);
        long lagMs = (polledAt.get() - attackAnsweredAt) / 1_000_000;
        assertTrue(lagMs <= 100, "long-poll answered " + lagMs + " ms after force_attack");
        assertEquals("RED", status.get("status").asText());
        assertEquals(version + 1, status.get("version").asLong());

        long t0 = System.nanoTime();
        var stale = kms.get("/link_status?wait=30&version=" + version);
        long staleMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("RED", stale.text("status"));
        assertTrue(staleMs < 1000, "a stale version must be answered at once, took " + staleMs + " ms");

        long t1 = System.nanoTime();
        var timeout = kms.get("/link_status?wait=0.3&version=" + (version + 1));
        long waitedMs = (System.nanoTime() - t1) / 1_000_000;
        assertEquals(200, timeout.code());
        assertTrue(waitedMs >= 250, "wait=0.3 should wait ≈ 300 ms without a change, took " + waitedMs);
    }

    record Sse(String id, String type, JsonNode data) {
    }

    @Test
    void subscriberSeesStatusAndRoundEventsInOrder() throws Exception {
        BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
        EventSource source = EventSources.createFactory(kms.https).newEventSource(
                kms.asLegitimateCaller("GET", "/events", null, null).build(), new EventSourceListener() {
                    @Override
                    public void onEvent(EventSource es, String id, String type, String data) {
                        try {
                            events.add(new Sse(id, type, KmsTestServer.MAPPER.readTree(data)));
                        } catch (Exception e) {
                            events.add(new Sse(id, "unparseable", null));
                        }
                    }

                    @Override
                    public void onFailure(EventSource es, Throwable t, Response response) {
                        events.add(new Sse("-1", "failure", null));
                    }
                });
        try {
            List<Sse> seen = new ArrayList<>();
            Sse first = next(events, seen);
            assertEquals("status", first.type(), "a new subscriber first gets the current status");
            assertEquals("GREEN", first.data().get("status").asText());
            long lastRound = 0;
            int rounds = 0;
            while (rounds < 3) {
                Sse e = next(events, seen);
                if (e.type().equals("round")) {
                    long r = e.data().get("round").asLong();
                    assertTrue(r > lastRound, "round events in order: " + r + " after " + lastRound);
                    assertTrue(e.data().has("qber") && e.data().has("sifted"), e.data().toString());
                    lastRound = r;
                    rounds++;
                }
            }
            kms.post("/force_attack", "");
            Sse forcedRound = null;
            Sse red = null;
            while (red == null) {
                Sse e = next(events, seen);
                if (e.type().equals("round") && e.data().get("forced").asBoolean()) {
                    forcedRound = e;
                }
                if (e.type().equals("status") && e.data().get("status").asText().equals("RED")) {
                    red = e;
                }
            }
            assertNotNull(forcedRound, "the forced round comes before the RED status it causes");
            assertEquals("GREEN", red.data().get("previous").asText());
            long lastId = 0;
            for (Sse e : seen) {
                long id = Long.parseLong(e.id());
                assertTrue(id > lastId, "event ids increase: " + seen);
                lastId = id;
                assertFalse(e.data().toString().contains("key_hex"), "no key material in events");
            }
        } finally {
            source.cancel();
        }
    }

    private static Sse next(BlockingQueue<Sse> events, List<Sse> seen) throws InterruptedException {
        Sse e = events.poll(20, TimeUnit.SECONDS);
        assertNotNull(e, "no event within 20 s; seen " + seen);
        assertFalse(e.type().equals("failure"), "event stream failed");
        seen.add(e);
        return e;
    }
}
