package qstcs.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * The frames on their way to one connection. Whoever sends (any connection's reader thread) only
 * appends an encoded WebSocket frame and returns: it never blocks on the recipient's socket. One
 * short-lived virtual thread per burst writes everything queued so far with a single socket write,
 * so a busy connection costs one system call per batch rather than one per frame.
 *
 * <p>The bytes waiting here are bounded ({@code budget}): a client that stops reading fills its
 * socket buffer, then its outbox, and is then refused further frames, so the relay's memory does not
 * grow with it and no sender waits for it. {@link ClientConnection} closes such a client.
 *
 * <p>A frame may carry a receipt ({@link Tracked}), run once the socket write holding it has
 * returned: a relay of a cluster leaves the frame in its stream until then.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    /** Frames larger than this are written on their own rather than copied into a batch. */
    private static final int BATCH_BYTES = 64 * 1024;

    /** A close frame to write after everything queued before it. */
    record Close(int code, String reason) {
    }

    /** A frame whose sender wants to hear when it is in the socket: {@code written} runs then. */
    record Tracked(byte[] frame, Runnable written) {
    }

    /** The receipt of the frame at {@code at} in a batch being written. */
    private record Receipt(int at, Runnable written) {
    }

    /** Does the actual writes; separate so tests of the queueing need no socket. */
    interface Sink {
        void write(byte[] bytes, int length);

        void close(int code, String reason);
    }

    private final Sink sink;
    private final long budget;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile boolean failed;

    Outbox(Sink sink, long budget) {
        this.sink = sink;
        this.budget = budget;
    }

    /** A sink over Helidon's connection writer (the same socket writer Helidon's own frames use). */
    static Sink sink(DataWriter writer, io.helidon.websocket.WsSession session) {
        return new Sink() {
            @Override
            public void write(byte[] bytes, int length) {
                writer.writeNow(BufferData.create(bytes, 0, length));
            }

            @Override
            public void close(int code, String reason) {
                session.close(code, reason);
            }
        };
    }

    /** Result of {@link #offer}. */
    enum Offer { QUEUED, OVER_BUDGET, FAILED }

    /**
     * Queues an encoded frame (see {@link #encode}); never blocks. The writer is always another
     * thread, also for a connection's own replies (acks): writing those inline was measured to cost
     * a write per frame under load (1.13 writes per relayed message instead of 0.27, and 40 % less
     * throughput) and to save nothing at light load.
     */
    Offer offer(byte[] frame) {
        return offer(frame, null);
    }

    /**
     * As {@link #offer(byte[])}; {@code written} (may be null) runs on the writer once the socket
     * write holding the frame's last byte has returned, never for a frame that is not written.
     */
    Offer offer(byte[] frame, Runnable written) {
        if (failed) {
            return Offer.FAILED;
        }
        if (pendingBytes.addAndGet(frame.length) > budget) {
            pendingBytes.addAndGet(-frame.length);
            return Offer.OVER_BUDGET;
        }
        queue.offer(written == null ? frame : new Tracked(frame, written));
        startWriter();
        return Offer.QUEUED;
    }

    /** Queues a close frame behind everything already queued (it is not counted against the budget). */
    void close(int code, String reason) {
        if (!failed) {
            queue.offer(new Close(code, reason));
            startWriter();
        }
    }

    /** Drops whatever is queued and refuses more (the connection is being abandoned). */
    void discard() {
        failed = true;
        queue.clear();
    }

    /** Bytes queued and not yet handed to the socket. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    boolean failed() {
        return failed;
    }

    private void startWriter() {
        if (writing.compareAndSet(false, true)) {
            Thread.startVirtualThread(this::drain);
        }
    }

    /** Writes until the queue is empty; exactly one thread runs this at a time. */
    private void drain() {
        List<byte[]> batch = new ArrayList<>();
        List<Receipt> receipts = null;
        while (true) {
            Object next;
            while ((next = queue.poll()) != null) {
                if (next instanceof Close c) {
                    writeBatch(batch, receipts);
                    closeQuietly(c);
                } else {
                    if (next instanceof Tracked t) {
                        if (receipts == null) {
                            receipts = new ArrayList<>();
                        }
                        receipts.add(new Receipt(batch.size(), t.written()));
                        next = t.frame();
                    }
                    batch.add((byte[]) next);
                    if (batch.size() >= 256) {
                        writeBatch(batch, receipts);
                    }
                }
            }
            writeBatch(batch, receipts);
            writing.set(false);
            // A frame queued after the last poll but before the flag was cleared found the flag
            // still set and started no writer: pick it up here.
            if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Writes {@code batch}, running the receipts of its frames as they go out, and empties both lists. */
    private void writeBatch(List<byte[]> batch, List<Receipt> receipts) {
        write(batch, receipts);
        batch.clear();
        if (receipts != null) {
            receipts.clear();
        }
    }

    /**
     * Writes the frames of {@code batch} in order. After each socket write the receipts of the
     * frames it completed run (a client that stops reading blocks a later write of the batch).
     */
    private void write(List<byte[]> batch, List<Receipt> receipts) {
        if (batch.isEmpty() || failed) {
            return;
        }
        int i = 0;
        int confirmed = 0;
        try {
            while (i < batch.size()) {
                byte[] first = batch.get(i);
                if (i + 1 == batch.size() || first.length >= BATCH_BYTES) {
                    sink.write(first, first.length);
                    i++;
                    confirmed = confirm(receipts, confirmed, i);
                    continue;
                }
                int size = 0;
                int end = i;
                while (end < batch.size() && size + batch.get(end).length <= BATCH_BYTES) {
                    size += batch.get(end).length;
                    end++;
                }
                byte[] joined = new byte[size];
                int at = 0;
                for (int k = i; k < end; k++) {
                    byte[] f = batch.get(k);
                    System.arraycopy(f, 0, joined, at, f.length);
                    at += f.length;
                }
                sink.write(joined, size);
                i = end;
                confirmed = confirm(receipts, confirmed, i);
            }
        } catch (RuntimeException e) {
            // The peer is gone (or the socket was closed under us): nothing more can be written.
            discard();
        } finally {
            pendingBytes.addAndGet(-sumOf(batch));
        }
    }

    /** Runs the receipts from {@code from} on of frames before {@code written}; the next receipt's index. */
    private static int confirm(List<Receipt> receipts, int from, int written) {
        int k = from;
        if (receipts != null) {
            for (; k < receipts.size() && receipts.get(k).at() < written; k++) {
                try {
                    receipts.get(k).written().run();
                } catch (RuntimeException e) {
                    // Not the socket's failure: the connection goes on.
                    LOG.log(System.Logger.Level.WARNING, "a write receipt failed: {0}", e.toString());
                }
            }
        }
        return k;
    }

    private static long sumOf(List<byte[]> batch) {
        long n = 0;
        for (byte[] f : batch) {
            n += f.length;
        }
        return n;
    }

    private void closeQuietly(Close c) {
        try {
            sink.close(c.code(), c.reason());
        } catch (RuntimeException e) {
            // Already gone.
        }
        failed = true;
    }

    /**
     * A pong answering a ping with {@code payload} (RFC 6455 5.5.3), queued like any frame so it
     * never interleaves with a batch being written. Control payloads are at most 125 bytes.
     */
    static byte[] pong(byte[] payload) {
        int len = Math.min(payload.length, 125);
        byte[] frame = new byte[2 + len];
        frame[0] = (byte) 0x8A; // FIN, pong
        frame[1] = (byte) len;
        System.arraycopy(payload, 0, frame, 2, len);
        return frame;
    }

    /** One unfragmented, unmasked text frame (RFC 6455 §5.2: servers do not mask). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII
    static byte[] encode(String text) {
        // Frames are JSON with hex and base64 payloads: almost always ASCII, whose UTF-8 bytes are
        // the chars themselves, copied straight behind the header (one copy, not two).
        boolean ascii = true;
        for (int k = 0, n = text.length(); k < n && ascii; k++) {
            ascii = text.charAt(k) < 0x80;
        }
        byte[] payload = ascii ? null : text.getBytes(StandardCharsets.UTF_8);
        int len = ascii ? text.length() : payload.length;
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        byte[] frame = new byte[header + len];
        frame[0] = (byte) 0x81; // FIN, text
        if (len < 126) {
            frame[1] = (byte) len;
        } else if (len < 65536) {
            frame[1] = 126;
            frame[2] = (byte) (len >>> 8);
            frame[3] = (byte) len;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
            }
        }
        if (ascii) {
            text.getBytes(0, len, frame, header);
        } else {
            System.arraycopy(payload, 0, frame, header, len);
        }
        return frame;
    }
}
