package qstcs.kms;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import qstcs.crypto.link.LinkStatus;

/**
 * Prometheus metrics of one KMS instance, in its own registry (not the global one) so that
 * several servers in one JVM, as in tests, do not share counters.
 */
final class KmsMetrics implements LinkListener {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
        Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Counter rounds;
    private final Counter breaches;
    private final Counter keysIssued;
    private final Counter keysCreated;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();

    KmsMetrics(MeterRegistry registry) {
        this.registry = registry;
        rounds = registry.getOrCreate(Counter.builder("qstcs.kms.rounds").description("BB84 rounds completed"));
        breaches = registry.getOrCreate(Counter.builder("qstcs.kms.breaches").description("link breaches (RED latched)"));
        keysIssued = registry.getOrCreate(Counter.builder("qstcs.kms.keys.issued")
                .description("successful key responses (fresh or shared pair key)"));
        keysCreated = registry.getOrCreate(Counter.builder("qstcs.kms.keys.created")
                .description("pair keys drawn from the pool"));
    }

    /** Gauges read the link's current snapshot when scraped. */
    void watch(Supplier<LinkStatus> link) {
        gauge("qstcs.kms.qber", "QBER the status is based on (breach value while RED)", () -> link.get().qber());
        gauge("qstcs.kms.last.round.qber", "QBER estimated in the latest round", () -> link.get().lastRoundQber());
        gauge("qstcs.kms.pool.bits", "key bits waiting in the pool", () -> (double) link.get().poolBits());
        gauge("qstcs.kms.key.rate.bps", "final key bits per second of the latest round", () -> link.get().keyRateBps());
        gauge("qstcs.kms.link.status", "0 GREEN, 1 YELLOW, 2 RED", () -> (double) link.get().status().ordinal());
        gauge("qstcs.kms.active.sessions", "active pair keys", () -> (double) link.get().activeSessions());
    }

    private void gauge(String name, String description, Supplier<Double> value) {
        registry.getOrCreate(Gauge.builder(name, value).description(description));
    }

    MeterRegistry registry() {
        return registry;
    }

    void recordRequest(String route, long nanos) {
        requestTimers.computeIfAbsent(route, r -> registry.getOrCreate(Timer.builder("qstcs.kms.request")
                        .description("time to answer an API request")
                        // Fixed buckets, no client-side percentiles: those cost more than the request itself.
                        .publishPercentileHistogram(false)
                        .percentiles(new double[0])
                        .buckets(LATENCY_BUCKETS)
                        .addTag(Tag.create("route", r))))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void roundCompleted(RoundReport round, LinkStatus after) {
        rounds.increment();
    }

    @Override
    public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
        breaches.increment();
    }

    @Override
    public void keyCreated(IssuedKey key, String requester, String replaced) {
        keysCreated.increment();
    }

    @Override
    public void keyDelivered() {
        keysIssued.increment();
    }
}
