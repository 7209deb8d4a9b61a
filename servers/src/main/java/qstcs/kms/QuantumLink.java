package qstcs.kms;

import qstcs.crypto.link.LinkStatus;

/**
 * The running quantum link as the HTTP layer sees it: extra rounds on demand. Implemented by
 * {@link LinkLoop} over the BB84 engine.
 */
interface QuantumLink extends AutoCloseable {
    /** Starts the background rounds. */
    void start();

    /**
     * Runs a round with full intercept–resend now and latches RED (even if a tiny test round
     * happened to stay under the threshold). Eve's persistent setting is not changed.
     *
     * @return the link state afterwards
     */
    LinkStatus forceAttack(OperatorAction by);

    /**
     * Runs extra rounds synchronously (at most a few) because the pool ran dry. Concurrent
     * callers share rounds rather than each running their own.
     */
    void refill();

    /** True while the background loop is alive and not stalled (health check). */
    boolean running();

    /** How long the current round has been stuck beyond a plausible duration, or zero. */
    java.time.Duration stalledFor();

    @Override
    void close();
}
