package qstcs.relay;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a cluster relay's calls into the NATS client, in the order they were handed over, on one
 * thread of its own. The NATS client queues what it sends and makes its caller wait (up to its
 * push timeout, 2 s per call) when that queue is full, which happens when NATS is slow or stopped
 * while still connected. Made on the relay's event loop, such a wait would stall every connection
 * of the relay; handed over here, only this thread waits, and what cannot be handed over is
 * refused at once, so its sender hears about it.
 *
 * <p>The backlog is bounded in tasks and in bytes (the frames' text). Tasks that carry no frame
 * (acknowledging a written frame) may use the whole task bound; tasks with a frame only three
 * quarters of it, so a backlog of frames never crowds out the acknowledgements that empty the
 * stream.
 */
final class ClusterSender implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterSender.class.getName());
    private static final Runnable STOP = () -> { };

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final int maxTasks;
    private final long maxBytes;
    private final Thread worker;
    private volatile boolean stopping;

    /**
     * @param name the worker thread's name
     * @param maxTasks most tasks waiting at once
     * @param maxBytes most frame bytes waiting at once
     */
    ClusterSender(String name, int maxTasks, long maxBytes) {
        if (maxTasks < 4 || maxBytes < 1) {
            throw new IllegalArgumentException("a cluster sender needs room for at least 4 tasks and 1 byte");
        }
        this.maxTasks = maxTasks;
        this.maxBytes = maxBytes;
        this.worker = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /**
     * Hands {@code task} to the sender's thread, or returns false at once when the backlog is full
     * or the sender is closing (the task will not run).
     *
     * @param frameBytes the size of the frame the task sends, 0 when it carries none
     */
    boolean offer(Runnable task, int frameBytes) {
        if (stopping) {
            return false;
        }
        long taskLimit = frameBytes > 0 ? maxTasks - maxTasks / 4 : maxTasks;
        if (tasks.incrementAndGet() > taskLimit) {
            tasks.decrementAndGet();
            return false;
        }
        if (frameBytes > 0 && bytes.addAndGet(frameBytes) > maxBytes) {
            bytes.addAndGet(-frameBytes);
            tasks.decrementAndGet();
            return false;
        }
        queue.add(frameBytes > 0 ? new Sized(task, frameBytes) : task);
        return true;
    }

    /** Tasks handed over and not yet done. */
    long backlog() {
        return tasks.get();
    }

    private void run() {
        try {
            while (true) {
                Runnable r = queue.take();
                if (r == STOP) {
                    return;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // NATS closed, or its own queue stayed full for its push timeout: the frame's
                    // task answered its sender where it could; nothing else to do here.
                    LOG.log(Level.DEBUG, "a cluster call failed: {0}", e.toString());
                } finally {
                    if (r instanceof Sized s) {
                        bytes.addAndGet(-s.bytes);
                    }
                    tasks.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            // Closing.
        }
    }

    /**
     * Refuses new tasks, lets the thread finish those handed over for up to {@code wait}, then
     * stops it (tasks still waiting do not run).
     */
    void close(Duration wait) {
        stopping = true;
        queue.add(STOP);
        try {
            if (!worker.join(wait)) {
                worker.interrupt();
                worker.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    private record Sized(Runnable task, int bytes) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
