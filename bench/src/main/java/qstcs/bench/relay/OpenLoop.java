package qstcs.bench.relay;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The pacing of the relay benches' open loop, in one place, so the relay and the floor it is
 * compared with see the same arrival pattern: {@code total} frames, one every
 * {@code 1/perSecond} s, from one thread that queues the frames due, polls its sockets without
 * blocking, and sleeps until the next frame is due (no busy wait, which would take the CPU the
 * server needs on two cores). A frame that arrives while it sleeps is handled when it wakes, so
 * latencies err on the high side by at most one sleep (the interval plus the kernel's ~50 µs
 * timer slack).
 */
final class OpenLoop {

    /** Queues frame number {@code i} (the caller flushes in its poll). */
    interface Sender {
        void queue(long i);
    }

    /** Handles what the sockets hold without waiting, and flushes queued frames. */
    interface Poller {
        void pollNow() throws IOException;
    }

    private OpenLoop() {
    }

    /** Sends {@code total} frames at {@code perSecond}; returns {@link System#nanoTime()} at the start. */
    static long run(int perSecond, long total, Sender sender, Poller poller) throws IOException {
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long next = start;
        long i = 0;
        while (i < total) {
            long now = System.nanoTime();
            while (i < total && next <= now) {
                sender.queue(i);
                i++;
                next += interval;
            }
            poller.pollNow();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return start;
    }
}
