package qstcs.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread of the relay's event loop: a selector, the sockets it owns, and the buffers they
 * borrow while they have bytes in flight. Everything a socket does (read, TLS, WebSocket framing,
 * routing through the switchboard, writing) runs here; other threads only queue work with
 * {@link #execute}. Sockets that got frames during one round are written once at its end, so a
 * burst for one recipient costs one write. What the sockets borrow together is bounded
 * ({@link BufferLoans}).
 */
final class SelectorLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger(SelectorLoop.class.getName());
    /** Buffers kept for reuse; beyond this a returned buffer is left to the collector. */
    private static final int POOL_KEEP = 256;
    /** How often lingering closes and idle connections are looked at. */
    private static final long TICK_NANOS = 250_000_000L;

    final Selector selector;
    final Thread thread;
    private final LoopTransport transport;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    /** Sockets with frames queued this round (only this thread touches it). */
    private final ArrayDeque<LoopSocket> dirty = new ArrayDeque<>();
    /** Sockets that sent their close and wait for the peer's end of stream. */
    private final List<LoopSocket> lingering = new ArrayList<>();
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    /** Heap lent to this loop's connections for bytes in flight, against its share of the relay's budget. */
    private final BufferLoans<LoopSocket> loans;
    /** Reused for gathering several frames into one TLS record. */
    final ByteBuffer[] gather = new ByteBuffer[32];
    private final WakeModeration moderation;
    private volatile boolean stopping;
    /** True while the loop pauses to gather frames (see {@link WakeModeration}): {@link #execute} ends the pause. */
    private volatile boolean pausing;
    /** Sockets the selector reported in the current round. */
    private int ready;
    private long nextTick;
    private long nextIdleSweep;

    SelectorLoop(LoopTransport transport, String name, long lentBudget) throws IOException {
        this.transport = transport;
        this.loans = new BufferLoans<>(lentBudget);
        this.selector = Selector.open();
        this.moderation = new WakeModeration(transport.wakePause().toNanos());
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    LoopTransport transport() {
        return transport;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop's thread soon (any thread may call this). */
    void execute(Runnable task) {
        tasks.offer(task);
        if (wakeRequested.compareAndSet(false, true)) {
            selector.wakeup();
        }
        if (pausing) {
            LockSupport.unpark(thread);
        }
    }

    /** {@code socket} has frames to write at the end of this round (loop thread only). */
    void markDirty(LoopSocket socket) {
        dirty.add(socket);
    }

    void linger(LoopSocket socket) {
        lingering.add(socket);
    }

    /**
     * A buffer of {@link LoopTransport#bufferBytes()} in write mode for {@code borrower}, from the
     * pool when one is there; over the loop's budget, the connection that has held a loan longest
     * is cut first.
     */
    ByteBuffer take(LoopSocket borrower) {
        lend(borrower, transport.bufferBytes());
        ByteBuffer b = pool.poll();
        return b != null ? b : ByteBuffer.allocate(transport.bufferBytes());
    }

    /** {@code borrower} returns {@code b} (null: nothing). */
    void give(LoopSocket borrower, ByteBuffer b) {
        if (b == null) {
            return;
        }
        repay(borrower, b.capacity());
        if (b.capacity() == transport.bufferBytes() && pool.size() < POOL_KEEP) {
            b.clear();
            pool.push(b);
        }
    }

    /**
     * Counts {@code bytes} of heap {@code borrower} holds for bytes in flight; over the budget, the
     * connections that have held a loan longest are cut first.
     */
    void lend(LoopSocket borrower, long bytes) {
        LoopSocket oldest;
        while ((oldest = loans.toCutFor(borrower, bytes)) != null) {
            LongAdder cuts = transport.switchboard().stats().lentCuts;
            // The first cut is logged; /stats counts them all (a flood of stallers is thousands).
            LOG.log(cuts.sum() == 0 ? Level.INFO : Level.DEBUG, "closing relay connection {0}: it has held"
                    + " buffers longest while the loop''s {1} bytes for bytes in flight are lent",
                    oldest, Long.toString(loans.budget()));
            cuts.increment();
            oldest.closeNow();
            forget(oldest);
        }
        loans.lend(borrower, bytes);
        transport.switchboard().stats().lentBytes.add(bytes);
    }

    void repay(LoopSocket borrower, long bytes) {
        long before = loans.lent();
        loans.repay(borrower, bytes);
        transport.switchboard().stats().lentBytes.add(loans.lent() - before);
    }

    /** Writes off what a closed connection still holds. */
    void forget(LoopSocket borrower) {
        long before = loans.lent();
        loans.forget(borrower);
        transport.switchboard().stats().lentBytes.add(loans.lent() - before);
    }

    void stop() {
        stopping = true;
        selector.wakeup();
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        nextTick = System.nanoTime() + TICK_NANOS;
        nextIdleSweep = System.nanoTime() + transport.idleSweep().toNanos();
        long pause = 0;
        while (!stopping) {
            try {
                ready = 0;
                if (!tasks.isEmpty() || !dirty.isEmpty()) {
                    selector.selectNow(this::ready);
                } else if (pause > 0) {
                    pauseThenLook(pause);
                } else {
                    selector.select(this::ready, TICK_NANOS / 1_000_000L);
                }
                wakeRequested.set(false);
                runTasks();
                flushDirty();
                long now = System.nanoTime();
                pause = moderation.pauseAfter(ready, !tasks.isEmpty() || !dirty.isEmpty(), now);
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    tick(now);
                }
            } catch (IOException | RuntimeException e) {
                // One socket's failure is handled where it happens; this keeps the loop alive
                // whatever slipped through.
                LOG.log(Level.WARNING, "relay event loop: {0}", e.toString());
            }
        }
        runTasks();
        flushDirty();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof LoopSocket s) {
                s.closeNow();
            } else {
                try {
                    key.channel().close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Sleeps up to {@code nanos} (less when work is queued meanwhile), then takes what arrived. */
    private void pauseThenLook(long nanos) throws IOException {
        pausing = true;
        try {
            if (tasks.isEmpty() && !stopping) {
                LockSupport.parkNanos(nanos);
            }
        } finally {
            pausing = false;
        }
        selector.selectNow(this::ready);
    }

    private void ready(SelectionKey key) {
        ready++;
        Object a = key.attachment();
        if (a instanceof LoopSocket s) {
            s.ready(key);
        } else if (key.isValid() && key.isAcceptable()) {
            transport.acceptAll();
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "relay event loop task failed: {0}", e.toString());
            }
        }
    }

    private void flushDirty() {
        LoopSocket s;
        while ((s = dirty.poll()) != null) {
            s.flush();
        }
    }

    private void tick(long now) {
        lingering.removeIf(s -> s.lingerOver(now));
        if (now - nextIdleSweep >= 0) {
            nextIdleSweep = now + transport.idleSweep().toNanos();
            long idle = transport.idleTimeout().toNanos();
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof LoopSocket s) {
                    s.closeIfIdle(now, idle);
                }
            }
        }
    }
}
