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
 * slowing the link loop. Events get increasing ids so a client can check order.
 */
final class EventHub {
    /** One event, already serialised. */
    record Event(long id, String name, String data) {
    }

    private static final int QUEUE = 1024;
    private static final Event CLOSED = new Event(-1, "", "");

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    /** A subscriber's queue of events not yet written to its stream. */
    final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean open = true;

        private void offer(Event e) {
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

    /** An event for one subscriber only (the initial status snapshot). */
    synchronized void sendTo(Subscription s, String name, JsonNode data) {
        s.offer(new Event(ids.incrementAndGet(), name, new String(Json.bytes(data), StandardCharsets.UTF_8)));
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
