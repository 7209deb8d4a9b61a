package qstcs.kms.identity;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * The revocations since the KMS started, numbered, for the relay to long-poll: the relay learns
 * of a revoked device at once and closes its sessions (instead of waiting for its introspection
 * cache to expire). The {@code epoch} changes on every KMS start, telling the relay to drop its
 * cache because sequence numbers started over.
 */
public final class RevocationFeed {

    /** One poll answer: revocations after the caller's sequence number. */
    public record Batch(String epoch, long seq, List<String> revoked) {
    }

    private record Entry(long seq, String deviceId) {
    }

    private static final int KEEP = 1_000;
    private final String epoch = UUID.randomUUID().toString();
    private final Deque<Entry> recent = new ArrayDeque<>();
    private long seq;
    private int waiting;

    public String epoch() {
        return epoch;
    }

    public synchronized void publish(String deviceId) {
        seq++;
        recent.addLast(new Entry(seq, deviceId));
        if (recent.size() > KEEP) {
            recent.removeFirst();
        }
        notifyAll();
    }

    /**
     * Revocations with a number above {@code after}; waits up to {@code wait} for one when there
     * are none yet. A caller from another epoch ({@code after} beyond the current number) gets
     * the current number and an empty list.
     */
    /** Callers parked in {@link #since} now: tests wait for one instead of sleeping. */
    public synchronized int waiting() {
        return waiting;
    }

    public synchronized Batch since(long after, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (seq == after) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            waiting++;
            try {
                wait(Math.max(1, left / 1_000_000));
            } finally {
                waiting--;
            }
        }
        if (after > seq) {
            return new Batch(epoch, seq, List.of());
        }
        List<String> ids = recent.stream().filter(e -> e.seq() > after).map(Entry::deviceId).distinct().toList();
        return new Batch(epoch, seq, ids);
    }
}
