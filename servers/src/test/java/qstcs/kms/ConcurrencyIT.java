package qstcs.kms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 threads × 1,000 key requests against 8 pairs while the status flips: counters stay exact
 * and no key is ever issued while RED.
 */
@ExtendWith(LiveKms.class)
class ConcurrencyIT {
    private static final int THREADS = 16;
    private static final int REQUESTS = 1000;

    private static KmsTestServer kms;

    @BeforeAll
    static void start(KmsTestServer shared) {
        kms = shared;
    }

    /** What the request threads saw. */
    private static final class Tally {
        final AtomicInteger granted = new AtomicInteger();
        final AtomicInteger red = new AtomicInteger();
        final AtomicInteger poolEmpty = new AtomicInteger();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final Map<String, String> hexById = new ConcurrentHashMap<>();
        final List<String> grantedWhileRed = new CopyOnWriteArrayList<>();
    }

    private static Tally hammer(Runnable flipper, AtomicBoolean done) throws Exception {
        Tally t = new Tally();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < THREADS; w++) {
            int pair = w / 2;
            String me = "Dev" + pair + (w % 2 == 0 ? "a" : "b");
            String peer = "Dev" + pair + (w % 2 == 0 ? "b" : "a");
            workers.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < REQUESTS; i++) {
                    boolean rotate = i % 100 == 99;
                    var r = kms.post("/get_session_key", "{\"device_id\":\"" + me + "\",\"peer_id\":\"" + peer
                            + "\",\"rotate\":" + rotate + "}");
                    if (r.code() == 200 && r.json().has("key_hex")) {
                        t.granted.incrementAndGet();
                        String prev = t.hexById.putIfAbsent(r.text("key_id"), r.text("key_hex"));
                        if (prev != null && !prev.equals(r.text("key_hex"))) {
                            t.unexpected.add("two different keys under one key_id");
                        }
                        if (r.text("status").equals("RED")) {
                            t.grantedWhileRed.add(r.text("key_id"));
                        }
                    } else if (r.code() == 200 && r.text("status").equals("RED")) {
                        t.red.incrementAndGet();
                    } else if (r.code() == 503) {
                        t.poolEmpty.incrementAndGet();
                    } else {
                        t.unexpected.add(r.code() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        Future<?> flips = pool.submit(flipper);
        go.countDown();
        for (Future<?> f : workers) {
            f.get(5, TimeUnit.MINUTES);
        }
        done.set(true);
        flips.get(1, TimeUnit.MINUTES);
        pool.shutdown();
        return t;
    }

    @Test
    void countersStayExactWhileTheStatusFlipsBetweenGreenAndYellow() throws Exception {
        kms.awaitPool(40 * 256);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger flips = new AtomicInteger();
        Tally t = hammer(() -> {
            boolean on = false;
            while (!done.get()) {
                on = !on;
                // Eve at 0.2 puts the QBER near 0.06: YELLOW, far from RED.
                kms.post("/eve", on ? "{\"active\":true,\"intercept_rate\":0.2}" : "{\"active\":false}");
                flips.incrementAndGet();
                sleep(150);
            }
            kms.post("/eve", "{\"active\":false}");
        }, done);
        JsonNode s = kms.get("/link_status").json();
        assertEquals(List.of(), t.unexpected);
        assertEquals(0, t.red.get(), "no breach expected in this phase: " + s);
        assertEquals(THREADS * REQUESTS, t.granted.get() + t.poolEmpty.get());
        assertEquals(t.granted.get(), s.get("total_keys_issued").asLong(), "every grant counted once");
        assertEquals(t.hexById.size(), s.get("total_sessions").asLong(), "every fresh key counted once");
        assertEquals(8, s.get("active_sessions").asLong(), "one active key per pair");
        assertTrue(flips.get() > 3, "the status was flipped while requests ran");
    }

    @Test
    void noKeyIsIssuedWhileRed() throws Exception {
        kms.awaitPool(16 * 256);
        List<String> stream = new CopyOnWriteArrayList<>();
        EventSource events = EventSources.createFactory(kms.https).newEventSource(
                kms.asLegitimateCaller("GET", "/events", null, null).build(), new EventSourceListener() {
                    @Override
                    public void onEvent(EventSource es, String id, String type, String data) {
                        if (type.equals("status")) {
                            // {"status":"RED",… — the value starts at index 11
                            stream.add("status " + data.substring(11, data.indexOf('"', 11)));
                        } else if (type.equals("key") && !data.contains("revoked_all")) {
                            stream.add("key");
                        }
                    }

                    @Override
                    public void onFailure(EventSource es, Throwable t, Response response) {
                        stream.add("failure " + t);
                    }
                });
        try {
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger attacks = new AtomicInteger();
            Tally t = hammer(() -> {
                while (!done.get()) {
                    sleep(100);
                    kms.post("/force_attack", "");
                    attacks.incrementAndGet();
                    sleep(100);
                    kms.post("/reset", "");
                }
            }, done);
            assertEquals(List.of(), t.unexpected);
            assertEquals(List.of(), t.grantedWhileRed);
            assertTrue(attacks.get() >= 3 && t.red.get() > 0 && t.granted.get() > 0,
                    "both RED and granted answers must have occurred: " + attacks + " attacks, " + t.red + " RED, "
                            + t.granted + " granted");
            // The hammer ends with a reset: wait until the stream shows every attack and that reset.
            Await.until("the event stream caught up with " + attacks + " attacks", () -> stream.stream()
                    .filter(e -> e.equals("status RED")).count() >= attacks.get()
                    && stream.stream().filter(e -> e.startsWith("status")).reduce((a, b) -> b)
                            .filter(e -> !e.equals("status RED")).isPresent());
            boolean red = false;
            int redPeriods = 0;
            for (String e : stream) {
                assertTrue(!e.startsWith("failure"), e);
                if (e.equals("status RED")) {
                    red = true;
                    redPeriods++;
                } else if (e.startsWith("status")) {
                    red = false;
                } else if (e.equals("key")) {
                    assertTrue(!red, "a key was created between a RED status and the next reset: " + stream);
                }
            }
            assertTrue(redPeriods >= 3, "the event stream saw the RED periods: " + stream);
        } finally {
            events.cancel();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
