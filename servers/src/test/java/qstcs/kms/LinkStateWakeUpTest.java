package qstcs.kms;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import qstcs.crypto.qkd.KeyBits;

import qstcs.crypto.link.LinkStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long-poll wake-ups under stress: many waiters (virtual and platform threads) park in
 * {@link LinkState#awaitChange} while another thread changes the version thousands of times,
 * interleaved with rounds and key requests that rebuild the cached snapshot. A lost wake-up (a
 * waiter parked on a signal that was already used, or shown a stale snapshot) would leave that
 * waiter asleep until its timeout while changes keep coming; every call must instead return a
 * newer version, soon after it was published.
 */
class LinkStateWakeUpTest {
    private static final int CHANGES = 3000;
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Generous: the machine may be busy; a lost wake-up costs the whole WAIT. */
    private static final long MAX_LAG_NANOS = Duration.ofSeconds(2).toNanos();

    private final LinkState link = new LinkState(new LinkState.Limits(1 << 20, 100, Duration.ofMinutes(10)),
            InstantSource.system(), new LinkListener() { });
    private long round;

    @Test
    void everyWaiterWakesForEveryChange() throws Exception {
        long[] publishedAt = new long[CHANGES + 16];
        long firstVersion = link.snapshot().version();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        // [version waited on, call start, return time] per call, checked after the changer is done.
        ConcurrentLinkedQueue<long[]> returns = new ConcurrentLinkedQueue<>();

        Runnable waiter = () -> {
            long known = link.snapshot().version();
            while (!stop.get()) {
                try {
                    long t0 = System.nanoTime();
                    LinkStatus s = link.awaitChange(known, WAIT);
                    long t1 = System.nanoTime();
                    calls.incrementAndGet();
                    if (s.version() == known && !stop.get()) {
                        failures.add("a waiter on version " + known + " slept " + (t1 - t0) / 1_000_000
                                + " ms while the version kept changing");
                    }
                    if (s.version() < known) {
                        failures.add("version went backwards: " + known + " -> " + s.version());
                    }
                    returns.add(new long[] {known, t0, t1});
                    known = s.version();
                } catch (InterruptedException e) {
                    return;
                }
            }
        };
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            waiters.add(Thread.ofVirtual().start(waiter));
        }
        for (int i = 0; i < 4; i++) {
            waiters.add(Thread.ofPlatform().start(waiter));
        }

        for (int i = 0; i < CHANGES; i++) {
            // Rounds and key grants rebuild the cached snapshot between version changes.
            round(0.01);
            link.request("A", "B", i % 7 == 0);
            if (i % 3 == 0) {
                link.reset("test");
            } else {
                round(i % 2 == 0 ? 0.01 : 0.07); // GREEN <-> YELLOW flips bump the version
            }
            long v = link.snapshot().version();
            publishedAt[(int) Math.min(v - firstVersion, publishedAt.length - 1)] = System.nanoTime();
            if (i % 16 == 0) {
                LockSupport.parkNanos(200_000); // let waiters catch up now and then, so both paths are hit
            }
        }
        stop.set(true);
        link.reset("release the last waiters");
        for (Thread t : waiters) {
            t.join(WAIT.toMillis() * 2);
            assertTrue(!t.isAlive(), "a waiter never returned");
        }

        assertEquals(List.of(), List.copyOf(failures));
        long worst = 0;
        for (long[] r : returns) {
            int next = (int) (r[0] + 1 - firstVersion);
            if (next < publishedAt.length && publishedAt[next] != 0) {
                worst = Math.max(worst, r[2] - Math.max(r[1], publishedAt[next]));
            }
        }
        assertTrue(worst < MAX_LAG_NANOS, "slowest wake-up after a change: " + worst / 1_000_000 + " ms");
        assertTrue(calls.get() > 52 * 10, "waiters should have woken many times, not " + calls.get());
    }

    private void round(double qber) {
        round++;
        byte[] bits = new byte[64];
        bits[0] = (byte) round;
        link.applyRound(new RoundReport(round, 1024, 512, 51, qber, qber, 10, 1.1, bits.length * 8, 1.0,
                "NONE", false, false, 0, false), KeyBits.fromBytes(bits, bits.length * 8));
    }
}
