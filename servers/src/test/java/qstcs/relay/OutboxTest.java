package qstcs.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket framing of outgoing text (RFC 6455 §5.2), for ASCII and non-ASCII text, all length
 * forms; and the receipts of frames written through an outbox: after the socket write, never for a
 * frame that was not written.
 */
class OutboxTest {

    private static void assertFrame(String text) {
        byte[] frame = Outbox.encode(text);
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int len = payload.length;
        assertEquals((byte) 0x81, frame[0], "FIN + text opcode");
        int header;
        if (len < 126) {
            assertEquals(len, frame[1]);
            header = 2;
        } else if (len < 65536) {
            assertEquals(126, frame[1]);
            assertEquals(len, ((frame[2] & 0xff) << 8) | (frame[3] & 0xff));
            header = 4;
        } else {
            assertEquals(127, frame[1]);
            long l = 0;
            for (int i = 0; i < 8; i++) {
                l = (l << 8) | (frame[2 + i] & 0xff);
            }
            assertEquals(len, l);
            header = 10;
        }
        assertArrayEquals(payload, Arrays.copyOfRange(frame, header, frame.length));
    }

    @Test
    void encodesEveryLengthFormForAsciiAndUtf8() {
        for (String unit : new String[] {"a", "é", "€", "😀"}) {
            for (int n : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
                assertFrame("{" + unit.repeat(n) + "}");
            }
        }
    }

    /**
     * A socket stand-in: its first write blocks until released (the client does not read), a later
     * write can be made to fail (the peer is gone), and it records what it was given.
     */
    private static final class StalledSink implements Outbox.Sink {
        final CountDownLatch inFirstWrite = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        final List<byte[]> writes = new ArrayList<>();
        volatile boolean failLaterWrites;

        @Override
        public void write(byte[] bytes, int length) {
            synchronized (this) {
                writes.add(Arrays.copyOf(bytes, length));
            }
            if (inFirstWrite.getCount() > 0) {
                inFirstWrite.countDown();
                await(release);
                return;
            }
            if (failLaterWrites) {
                throw new java.io.UncheckedIOException(new java.io.IOException("Broken pipe"));
            }
        }

        @Override
        public void close(int code, String reason) {
            closed.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "the outbox's writer got there");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReceiptRunsOnlyOnceTheSocketWriteHoldingItsFrameHasReturned() {
        StalledSink sink = new StalledSink();
        Outbox outbox = new Outbox(sink, 1 << 20);
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        outbox.offer(Outbox.encode("a"), () -> written.add("a"));
        await(sink.inFirstWrite);
        outbox.offer(Outbox.encode("b"), () -> written.add("b"));
        outbox.offer(Outbox.encode("plain")); // no receipt asked: nothing to run
        outbox.offer(Outbox.encode("c"), () -> written.add("c"));
        outbox.close(1000, "");
        assertEquals(List.of(), written, "a frame in a write that has not returned is not written yet");
        sink.release.countDown();
        await(sink.closed);
        assertEquals(List.of("a", "b", "c"), written, "each receipt once, in order");
    }

    @Test
    void framesOfAFailedWriteOrDiscardedGetNoReceipt() {
        StalledSink sink = new StalledSink();
        Outbox outbox = new Outbox(sink, 1 << 20);
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        outbox.offer(Outbox.encode("a"), () -> written.add("a"));
        await(sink.inFirstWrite);
        outbox.offer(Outbox.encode("b"), () -> written.add("b"));
        outbox.offer(Outbox.encode("c"), () -> written.add("c"));
        outbox.close(1000, "");
        sink.failLaterWrites = true;
        sink.release.countDown();
        await(sink.closed);
        assertEquals(List.of("a"), written, "b and c were in the write that failed");
        assertTrue(outbox.failed());

        StalledSink slow = new StalledSink();
        Outbox dropped = new Outbox(slow, 1 << 20);
        List<String> receipts = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch xWritten = new CountDownLatch(1);
        dropped.offer(Outbox.encode("x"), () -> {
            receipts.add("x");
            xWritten.countDown();
        });
        await(slow.inFirstWrite);
        dropped.offer(Outbox.encode("y"), () -> receipts.add("y"));
        dropped.discard(); // a client cut for reading too slowly: y is dropped, x is in the socket's write
        slow.release.countDown();
        await(xWritten);
        assertEquals(Outbox.Offer.FAILED, dropped.offer(Outbox.encode("z"), () -> receipts.add("z")));
        assertEquals(List.of("x"), receipts, "only the frame whose write returned");
        assertEquals(1, slow.writes.size(), "nothing written after the discard");
    }
}
