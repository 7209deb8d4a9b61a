package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ClusterSenderTest {

    @Test
    void runsTasksInTheOrderHandedOver() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        try (ClusterSender sender = new ClusterSender("test-sender", 1000, 1 << 20)) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                assertTrue(sender.offer(() -> {
                    ran.add(n);
                    done.countDown();
                }, i % 2 == 0 ? 10 : 0));
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), ran);
    }

    /** While the thread waits (as on a hanging NATS), the backlog fills and refuses at once. */
    @Test
    void aFullBacklogRefusesFramesFirstAndKeepsRoomForAcknowledgements() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ClusterSender sender = new ClusterSender("test-sender", 8, 1 << 20);
        try {
            assertTrue(sender.offer(() -> {
                started.countDown();
                awaitQuietly(release);
            }, 0));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            // The running task still counts: 8 tasks, of which frames may take 6.
            for (int i = 0; i < 5; i++) {
                assertTrue(sender.offer(() -> { }, 100), "frame " + i);
            }
            assertFalse(sender.offer(() -> { }, 100), "the frames' share of the backlog is full");
            assertTrue(sender.offer(() -> { }, 0));
            assertTrue(sender.offer(() -> { }, 0));
            assertFalse(sender.offer(() -> { }, 0), "the whole backlog is full");
            assertEquals(8, sender.backlog());
        } finally {
            release.countDown();
            sender.close(Duration.ofSeconds(10));
        }
        assertEquals(0, sender.backlog(), "every task handed over ran before close returned");
    }

    @Test
    void frameBytesAreBoundedToo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ClusterSender sender = new ClusterSender("test-sender", 1000, 1000);
        try {
            assertTrue(sender.offer(() -> awaitQuietly(release), 600));
            assertTrue(sender.offer(() -> { }, 400));
            assertFalse(sender.offer(() -> { }, 1), "1,000 bytes are waiting");
            assertTrue(sender.offer(() -> { }, 0), "a task without a frame still fits");
        } finally {
            release.countDown();
            sender.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void aClosedSenderRefusesNewTasks() {
        ClusterSender sender = new ClusterSender("test-sender", 8, 100);
        sender.close();
        assertFalse(sender.offer(() -> { }, 0));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
