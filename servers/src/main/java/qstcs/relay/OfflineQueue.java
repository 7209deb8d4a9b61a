package qstcs.relay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames waiting for one offline recipient, oldest first, bounded by count and size. Not
 * thread-safe: its {@link Mailbox}'s lock guards it.
 */
final class OfflineQueue {

    /**
     * A frame held for later delivery: the original text, unchanged, plus what routing needs.
     * {@code size} is what it holds on the heap, so the queue bounds count memory, not characters.
     * {@code enqueuedAtNanos} is monotonic time ({@link System#nanoTime()}), so a wall-clock jump
     * neither expires every frame at once nor keeps them for hours.
     */
    record Queued(String id, String sender, String text, long enqueuedAtNanos, int size) {
        /**
         * Heap bytes of one queued frame besides its strings' contents: this record, three String
         * objects and their arrays' headers and the queue slot (compressed oops).
         */
        static final int OVERHEAD_BYTES = 200;

        Queued(String id, String sender, String text, long enqueuedAtNanos) {
            this(id, sender, text, enqueuedAtNanos, OVERHEAD_BYTES + contentBytes(id) + contentBytes(sender) + contentBytes(text));
        }

        /** A String stores one byte per character when all are Latin-1, else two. */
        private static int contentBytes(String s) {
            for (int k = 0, n = s.length(); k < n; k++) {
                if (s.charAt(k) > 0xFF) {
                    return 2 * n;
                }
            }
            return s.length();
        }
    }

    private final ArrayDeque<Queued> frames = new ArrayDeque<>();
    private long size;

    /** Appends {@code frame}, then drops oldest frames until the bounds hold; returns those dropped. */
    List<Queued> add(Queued frame, int maxFrames, long maxSize) {
        frames.addLast(frame);
        size += frame.size();
        List<Queued> dropped = List.of();
        while (frames.size() > maxFrames || size > maxSize) {
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>();
            }
            dropped.add(poll());
        }
        return dropped;
    }

    /**
     * Removes and returns frames older than {@code ttl} at monotonic time {@code nowNanos} (they
     * sit at the head: time order).
     */
    List<Queued> expire(long nowNanos, Duration ttl) {
        List<Queued> expired = List.of();
        long ttlNanos = ttl.toNanos();
        while (!frames.isEmpty() && nowNanos - frames.peekFirst().enqueuedAtNanos() > ttlNanos) {
            if (expired.isEmpty()) {
                expired = new ArrayList<>();
            }
            expired.add(poll());
        }
        return expired;
    }

    Queued peek() {
        return frames.peekFirst();
    }

    Queued poll() {
        Queued q = frames.pollFirst();
        if (q != null) {
            size -= q.size();
        }
        return q;
    }

    /** Removes everything (the RED flush); returns what was removed. */
    List<Queued> clear() {
        List<Queued> all = new ArrayList<>(frames);
        frames.clear();
        size = 0;
        return all;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    long size() {
        return size;
    }
}
