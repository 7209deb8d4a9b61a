package qstcs.relay;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline queue's bounds count what a frame holds on the heap, not its characters; its TTL runs on monotonic time. */
class OfflineQueueTest {

    @Test
    void smallFramesAreCountedWithTheirHeapOverhead() {
        OfflineQueue q = new OfflineQueue();
        long cap = 10_000;
        String text = "{\"type\":\"chat\",\"id\":\"x\"}";
        int dropped = 0;
        for (int i = 0; i < 100; i++) {
            dropped += q.add(new OfflineQueue.Queued(UUID.randomUUID().toString(), "Soldier_Alpha", text, 0L),
                    1_000, cap).size();
        }
        int perFrame = OfflineQueue.Queued.OVERHEAD_BYTES + 36 + "Soldier_Alpha".length() + text.length();
        assertEquals(cap / perFrame, 100 - dropped, "frames kept within " + cap + " bytes");
        assertTrue(q.size() <= cap);
    }

    @Test
    void charactersBeyondLatin1CountTwoBytes() {
        String ascii = "a".repeat(1_000);
        String greek = "α".repeat(1_000);
        int a = new OfflineQueue.Queued("i", "s", ascii, 0L).size();
        int g = new OfflineQueue.Queued("i", "s", greek, 0L).size();
        assertEquals(1_000, g - a);
    }

    /** Monotonic time, so that a frame's age near {@code Long.MAX_VALUE} still compares right. */
    @Test
    void framesExpireAfterTheirTtlOfMonotonicTime() {
        OfflineQueue q = new OfflineQueue();
        long t = Long.MAX_VALUE - 1_000; // nanoTime may be anywhere, even about to wrap
        java.time.Duration ttl = java.time.Duration.ofMinutes(10);
        q.add(new OfflineQueue.Queued("old", "Soldier_Alpha", "{}", t), 10, 10_000);
        q.add(new OfflineQueue.Queued("new", "Soldier_Alpha", "{}", t + ttl.toNanos() / 2), 10, 10_000);
        assertTrue(q.expire(t + ttl.toNanos(), ttl).isEmpty(), "not older than the TTL yet");
        List<OfflineQueue.Queued> expired = q.expire(t + ttl.toNanos() + 1, ttl);
        assertEquals(List.of("old"), expired.stream().map(OfflineQueue.Queued::id).toList());
        assertEquals("new", q.peek().id());
    }
}
