package qstcs.kms;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import qstcs.server.common.Json;

/**
 * Fan-out of server-sent events ({@code status}, {@code round}, {@code key}, {@code audit},
 * {@code router}) to every {@code /events} subscriber. Each subscriber has a bounded queue: a
 * client too slow to keep up is disconnected (it reconnects and gets a fresh status) rather than
 * slowing the link loop. {@code audit} events yield: once a queue is half full they are skipped
 * for that subscriber (the log itself keeps them, {@code GET /audit} pages them), so a burst of
 * other clients' audited traffic can never push the operator's stream over its bound and cost it
 * the status, round, key and router events. Events get increasing ids so a client can check order.
 */
final class EventHub {
    /** One event, already serialised. */
    record Event(long id, String name, String data) {
    }

    static final int QUEUE = 1024;
    /** Queue length from which {@code audit} events are skipped rather than queued. */
    static final int AUDIT_ROOM = QUEUE / 2;
    private static final Event CLOSED = new Event(-1, "", "");
    private static final String AUDIT = "audit";

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    /** A subscriber's queue of events not yet written to its stream. */
    final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean open = true;
        private final AtomicLong skipped = new AtomicLong();

        private void offer(Event e) {
            if (open && AUDIT.equals(e.name()) && queue.size() >= AUDIT_ROOM) {
                skipped.incrementAndGet();
                return;
            }
            if (open && !queue.offer(e)) {
                open = false; // too slow: drop it instead of blocking the publisher
                queue.clear();
                queue.offer(CLOSED);
            }
        }

        /** Waits up to {@code wait} for the next event; null on timeout or when closed. */
        Event next(Duration wait) throws InterruptedException {
            Event e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (e == CLOSED) {
                open = false;
                return null;
            }
            return e;
        }

        boolean isOpen() {
            return open;
        }

        /** Audit events this subscriber did not get because its queue was half full. */
        long skippedAudit() {
            return skipped.get();
        }

        @Override
        public void close() {
            subscribers.remove(this);
            if (open) {
                open = false;
                queue.offer(CLOSED);
            }
        }
    }

    Subscription subscribe() {
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    /**
     * A new subscriber's opening events ({@code status} first, then the routers), put before
     * whatever was published to it since it subscribed: it always starts from the current status.
     * A {@code status} event that came in meanwhile is dropped, since the opening status was read
     * after it and is at least as new; the other events follow the opening ones, in order and with
     * new ids, so ids still increase along the stream.
     */
    synchronized void open(Subscription s, java.util.List<java.util.Map.Entry<String, JsonNode>> opening) {
        java.util.List<Event> meanwhile = new java.util.ArrayList<>();
        s.queue.drainTo(meanwhile);
        for (java.util.Map.Entry<String, JsonNode> o : opening) {
            s.offer(new Event(ids.incrementAndGet(), o.getKey(), new String(Json.bytes(o.getValue()), StandardCharsets.UTF_8)));
        }
        for (Event e : meanwhile) {
            if (e == CLOSED) {
                s.queue.offer(e);
            } else if (!"status".equals(e.name())) {
                s.offer(new Event(ids.incrementAndGet(), e.name(), e.data())); // renumbered: ids keep increasing
            }
        }
    }

    /**
     * Synchronised so that id order equals queue order even when the link loop, the audit writer
     * and request threads publish at the same time.
     */
    synchronized void publish(String name, JsonNode data) {
        if (subscribers.isEmpty()) {
            return; // nothing to serialise for
        }
        Event e = new Event(ids.incrementAndGet(), name, new String(Json.bytes(data), StandardCharsets.UTF_8));
        for (Subscription s : subscribers) {
            s.offer(e);
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }

    /** Ends every stream (server shutdown). */
    void closeAll() {
        for (Subscription s : subscribers) {
            s.close();
        }
    }
}
