package qstcs.client;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one relay connection under the relay's per-connection rate limit (by default 500 frames/s
 * with a burst of 1,000): a frame the relay drops for rate would arrive out of order when
 * retransmitted, so it is cheaper never to exceed the limit. A token bucket; frames beyond it wait
 * in order. Used only on the session thread.
 */
final class FramePacer {
    static final int FRAMES_PER_SECOND = 400;
    static final int BURST = 400;

    private final RelayClient.Connection connection;
    private final ScheduledExecutorService thread;
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private double tokens = BURST;
    private long lastRefill = System.nanoTime();
    private boolean drainScheduled;
    private boolean stopped;

    FramePacer(RelayClient.Connection connection, ScheduledExecutorService sessionThread) {
        this.connection = connection;
        this.thread = sessionThread;
    }

    /** Sends now if the budget allows, else queues behind earlier frames; false once the connection is gone. */
    boolean send(String frame) {
        if (stopped) {
            return false;
        }
        refill();
        if (waiting.isEmpty() && tokens >= 1) {
            tokens -= 1;
            return connection.send(frame);
        }
        waiting.add(frame);
        scheduleDrain();
        return true;
    }

    void stop() {
        stopped = true;
        waiting.clear();
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(BURST, tokens + (now - lastRefill) * FRAMES_PER_SECOND / 1e9);
        lastRefill = now;
    }

    private void scheduleDrain() {
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        long waitMicros = (long) Math.max(1_000, (1 - tokens) * 1e6 / FRAMES_PER_SECOND);
        thread.schedule(this::drain, waitMicros, TimeUnit.MICROSECONDS);
    }

    private void drain() {
        drainScheduled = false;
        if (stopped) {
            return;
        }
        refill();
        while (!waiting.isEmpty() && tokens >= 1) {
            tokens -= 1;
            if (!connection.send(waiting.poll())) {
                stop();
                return;
            }
        }
        if (!waiting.isEmpty()) {
            scheduleDrain();
        }
    }
}
