package qstcs.kms;

import java.io.UncheckedIOException;
import java.time.Duration;

import io.helidon.http.Method;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;

/**
 * {@code GET /events}: Server-Sent Events for the console. A new subscriber first gets the
 * current {@code status} and the last heartbeat of each router, then live events in the order
 * they happened. A comment line every 15 s keeps proxies from closing an idle stream and tells
 * the server when the client has gone.
 */
final class EventStreamService implements HttpService {
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final EventHub hub;
    private final LinkState link;
    private final RouterRegistry routers;
    private final RouteGuard guard;

    EventStreamService(EventHub hub, LinkState link, RouterRegistry routers, RouteGuard guard) {
        this.hub = hub;
        this.link = link;
        this.routers = routers;
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.GET, "/events", RouteClass.OPERATOR, "events", this::stream);
    }

    private void stream(AccessGrant grant, ServerRequest req, ServerResponse res) throws InterruptedException {
        try (EventHub.Subscription sub = hub.subscribe(); SseSink sink = res.sink(SseSink.TYPE)) {
            // Subscribe before reading the snapshot, so no change can fall between the two; the
            // snapshot still goes out first (EventHub.open).
            java.util.List<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> opening = new java.util.ArrayList<>();
            opening.add(java.util.Map.entry("status", KmsJson.status(link.snapshot())));
            for (RouterRegistry.Heartbeat hb : routers.all()) {
                opening.add(java.util.Map.entry("router", RouterRegistry.json(hb)));
            }
            hub.open(sub, opening);
            while (sub.isOpen()) {
                EventHub.Event e = sub.next(KEEPALIVE);
                if (e != null) {
                    sink.emit(SseEvent.builder().id(Long.toString(e.id())).name(e.name()).data(e.data()).build());
                } else if (sub.isOpen()) {
                    sink.emit(SseEvent.builder().comment("keepalive").build());
                }
            }
        } catch (UncheckedIOException gone) {
            // the client disconnected; nothing to answer
        }
    }
}
