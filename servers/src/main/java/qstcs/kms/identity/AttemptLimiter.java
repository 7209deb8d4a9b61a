package qstcs.kms.identity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Counts failed attempts per key (a client address, or {@value #EVERYONE} for all clients
 * together) in a sliding window and refuses further attempts once a key reaches its limit. Used
 * for enrollment codes: with the per-address limit a single machine gets a handful of guesses
 * per window, and the global limit stops guessing spread over many addresses. The window runs
 * on monotonic time: setting the wall clock forward must not wipe a lockout, nor setting it back
 * make one last for hours.
 */
public final class AttemptLimiter {

    /** The key under which every failure is also counted. */
    public static final String EVERYONE = "*";
    private static final int MAX_TRACKED_KEYS = 10_000;

    private final LongSupplier nanoTime;
    private final Duration window;
    private final int perKey;
    private final int overall;
    /** Monotonic times of failures, oldest first, per key. */
    private final Map<String, Deque<Long>> failures = new HashMap<>();

    /** @param nanoTime monotonic time ({@code System::nanoTime}) */
    public AttemptLimiter(LongSupplier nanoTime, Duration window, int perKey, int overall) {
        this.nanoTime = nanoTime;
        this.window = window;
        this.perKey = perKey;
        this.overall = overall;
    }

    /** Empty when {@code key} may try now, else how long until it may. */
    public synchronized Optional<Duration> blockedFor(String key) {
        long now = nanoTime.getAsLong();
        Optional<Duration> own = blocked(key, perKey, now);
        return own.isPresent() ? own : blocked(EVERYONE, overall, now);
    }

    /** Records a failed attempt by {@code key}. */
    public synchronized void failed(String key) {
        long now = nanoTime.getAsLong();
        if (failures.size() >= MAX_TRACKED_KEYS) {
            failures.values().forEach(d -> prune(d, now));
            failures.values().removeIf(Deque::isEmpty);
        }
        failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        failures.computeIfAbsent(EVERYONE, k -> new ArrayDeque<>()).addLast(now);
    }

    private Optional<Duration> blocked(String key, int limit, long now) {
        Deque<Long> d = failures.get(key);
        if (d == null) {
            return Optional.empty();
        }
        prune(d, now);
        if (d.size() < limit) {
            return Optional.empty();
        }
        // Blocked until enough of the oldest failures leave the window.
        long freeAt = d.stream().skip(d.size() - limit).findFirst().orElse(now) + window.toNanos();
        return Optional.of(Duration.ofNanos(freeAt - now).plusSeconds(1));
    }

    private void prune(Deque<Long> d, long now) {
        long windowNanos = window.toNanos();
        while (!d.isEmpty() && now - d.peekFirst() >= windowNanos) {
            d.removeFirst();
        }
    }
}
