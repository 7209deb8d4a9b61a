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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long-poll and Server-Sent Events: how the guard, the relay and the console learn of changes. */
@ExtendWith(LiveKms.class)
class LinkEventsIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start(KmsTestServer shared) {
        kms = shared;
    }

    @Test
    void longPollReturnsRightAfterAForcedAttackAndAtOnceWhenStale() throws Exception {
        long version = kms.get("/link_status").json().get("version").asLong();
        CompletableFuture<JsonNode> polled = CompletableFuture.supplyAsync(
                () -> kms.get("/link_status?wait=30&version=" + version).json());
        Await.until("the long-poll is parked in the KMS", () -> kms.kms.link().parkedPolls() > 0);
        assertFalse(polled.isDone(), "the long-poll must wait while nothing changes");

        var attack = kms.post("/force_attack", "");
        assertEquals("RED", attack.text("status"));
        JsonNode status = polled.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
        assertEquals("RED", status.get("status").asText(), "the change woke the parked poll");
        assertEquals(version + 1, status.get("version").asLong());

        // A stale version is answered with the current state, not after a further change: the
        // bound is a third of the asked wait, so a KMS that parked this poll fails here.
        JsonNode stale = CompletableFuture.supplyAsync(() -> kms.get("/link_status?wait=30&version=" + version).json())
                .get(10, TimeUnit.SECONDS);
        assertEquals("RED", stale.get("status").asText());
        assertEquals(version + 1, stale.get("version").asLong());

        var unchanged = kms.get("/link_status?wait=0.3&version=" + (version + 1));
        assertEquals(200, unchanged.code(), "a wait without a change ends with the unchanged state");
        assertEquals(version + 1, unchanged.json().get("version").asLong());
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
            assertTrue(forcedRound.data().get("breach").asBoolean(), forcedRound.data().toString());
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
