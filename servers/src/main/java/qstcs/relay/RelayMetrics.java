package qstcs.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import qstcs.server.http.ConnectionGate;

/**
 * Publishes the switchboard's figures on {@code /observe/metrics}. Meters carry the relay's port
 * as a tag, so several relays in one JVM (tests, benchmarks) do not overwrite each other, and are
 * removed when the relay stops.
 */
final class RelayMetrics implements AutoCloseable {

    private final MeterRegistry registry = Metrics.globalRegistry();
    private final List<Meter> meters = new ArrayList<>();
    private final List<Tag> tags;

    RelayMetrics(Switchboard switchboard, ConnectionGate gate, int port) {
        this.tags = List.of(Tag.create("port", Integer.toString(port)));
        RelayStats s = switchboard.stats();
        gauge("qstcs_relay_online_devices", "devices registered now", () -> switchboard.online().size());
        gauge("qstcs_relay_connections", "open WebSocket connections", switchboard::openConnections);
        gauge("qstcs_relay_queued_frames", "frames waiting for offline devices", switchboard::queuedFrames);
        gauge("qstcs_relay_link_red", "1 while the quantum link is RED",
                () -> switchboard.linkRed() ? 1 : 0);
        counter("qstcs_relay_frames_in", "messages received from clients", s.framesIn);
        counter("qstcs_relay_frames_relayed", "client frames written to recipients", s.framesRelayed);
        counter("qstcs_relay_frames_queued", "client frames queued for offline recipients", s.framesQueued);
        counter("qstcs_relay_frames_dropped", "queued frames lost (overflow, TTL, storage, RED)", s.framesDropped);
        counter("qstcs_relay_errors", "error frames sent", s.errors);
        counter("qstcs_relay_link_cuts", "times every session was cut on RED", s.linkCuts);
        gauge("qstcs_relay_lent_bytes", "heap the event loop lends connections for bytes in flight", s.lentBytes::sum);
        counter("qstcs_relay_lent_cuts", "connections cut for holding lent buffers longest", s.lentCuts);
        gauge("qstcs_relay_max_connections", "connections the listener holds at most", () -> gate.limits().maxConnections());
        meters.add(registry.getOrCreate(FunctionalCounter.builder("qstcs_relay_refused_over_cap", gate,
                        ConnectionGate::refusedOverCap)
                .description("connections closed at accept because the listener held its cap").tags(tags)));
    }

    private <N extends Number> void gauge(String name, String description, Supplier<N> value) {
        meters.add(registry.getOrCreate(Gauge.builder(name, value).description(description).tags(tags)));
    }

    private void counter(String name, String description, LongAdder adder) {
        meters.add(registry.getOrCreate(FunctionalCounter.builder(name, adder, LongAdder::sum)
                .description(description).tags(tags)));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
