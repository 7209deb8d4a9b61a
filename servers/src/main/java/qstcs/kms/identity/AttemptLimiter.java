package qstcs.kms.identity;

import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed attempts per key (a client address, or {@value #EVERYONE} for all clients
 * together) in a sliding window and refuses further attempts once a key reaches its limit. Used
 * for enrollment codes: with the per-address limit a single machine gets a handful of guesses
 * per window, and the global limit stops guessing spread over many addresses.
 */
public final class AttemptLimiter {

    /** The key under which every failure is also counted. */
    public static final String EVERYONE = "*";
    private static final int MAX_TRACKED_KEYS = 10_000;

    private final InstantSource clock;
    private final Duration window;
    private final int perKey;
    private final int overall;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    public AttemptLimiter(InstantSource clock, Duration window, int perKey, int overall) {
        this.clock = clock;
        this.window = window;
        this.perKey = perKey;
        this.overall = overall;
    }

    /** Empty when {@code key} may try now, else how long until it may. */
    public synchronized Optional<Duration> blockedFor(String key) {
        Instant now = clock.instant();
        Optional<Duration> own = blocked(key, perKey, now);
        return own.isPresent() ? own : blocked(EVERYONE, overall, now);
    }

    /** Records a failed attempt by {@code key}. */
    public synchronized void failed(String key) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_TRACKED_KEYS) {
            failures.values().forEach(d -> prune(d, now));
            failures.values().removeIf(Deque::isEmpty);
        }
        failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent(EVERYONE, k -> new ArrayDeque<>()).addLast(now);
    }

    private Optional<Duration> blocked(String key, int limit, Instant now) {
        Deque<Instant> d = failures.get(key);
        if (d == null) {
            return Optional.empty();
        }
        prune(d, now);
        if (d.size() < limit) {
            return Optional.empty();
        }
        // Blocked until enough of the oldest failures leave the window.
        Instant freeAt = d.stream().skip(d.size() - limit).findFirst().orElse(now).plus(window);
        return Optional.of(Duration.between(now, freeAt).plusSeconds(1));
    }

    private void prune(Deque<Instant> d, Instant now) {
        Instant cutoff = now.minus(window);
        while (!d.isEmpty() && !d.peekFirst().isAfter(cutoff)) {
            d.removeFirst();
        }
    }
}
