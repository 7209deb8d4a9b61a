package qstcs.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter for reconnect attempts: quick the first time (a relay
 * restart is usually over in a moment), never hammering a server that stays down, and jittered so
 * that two soldiers reconnecting after the same outage do not retry in lockstep.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The delay before the next attempt; each call doubles it up to the cap. */
    long nextDelayMillis() {
        long base = Math.min(maxMillis, initialMillis << Math.min(attempt, 20));
        attempt++;
        long jitter = base / 5;
        return Math.min(maxMillis, base - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
    }

    void reset() {
        attempt = 0;
    }
}
