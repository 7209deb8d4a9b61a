package qstcs.bench.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The load generator of {@link RelayFloorBench}: {@link PairLoad#paced}'s open loop over plain TCP
 * sockets to a {@link NullRelay}. Sender/receiver pairs, one thread: it queues the frames that are
 * due, polls every socket without blocking, writes what it queued, and sleeps until the next frame
 * is due. A frame is {@code frame} bytes: its pair's sequence number, the time just before it was
 * queued, filler. The receiver checks order and counts and records the latency; the sender's
 * socket gets the acks (each carrying the frame's sequence number), checked the same way.
 */
final class FloorLoad implements AutoCloseable {

    private final Selector selector;
    private final Pair[] pairs;
    private final int frame;
    private final byte[] filler;
    private Latencies latencies = new Latencies(0);

    private final class Pair {
        final SocketChannel sender;
        final SocketChannel receiver;
        /** The frames arriving at the receiver, each timed on arrival. */
        final Records frames;
        /** The acks arriving at the sender. */
        final Records acks = new Records(NullRelay.ACK_BYTES);
        ByteBuffer out;
        long sent;
        boolean dirty;

        Pair(SocketChannel sender, SocketChannel receiver) {
            this.sender = sender;
            this.receiver = receiver;
            this.frames = new Records(frame);
            this.out = ByteBuffer.allocate(16 * frame);
        }

        /** Queues the next frame on the sender socket (the caller flushes). */
        void queueNext() {
            if (out.remaining() < frame) {
                ByteBuffer bigger = ByteBuffer.allocate(out.capacity() * 2);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.putLong(sent).putLong(System.nanoTime()).put(filler);
            sent++;
        }

        /** Writes what is queued; true when everything went out. */
        boolean flush() throws IOException {
            out.flip();
            try {
                sender.write(out);
            } finally {
                out.compact();
            }
            return out.position() == 0;
        }

        /** Reads the receiver socket once and checks each whole frame; false at EOF. */
        boolean readFrames() throws IOException {
            long now = System.nanoTime();
            return frames.read(receiver, (b, p) -> latencies.add(now - b.getLong(p + 8)));
        }

        /** Reads the sender socket once and checks each whole ack; false at EOF. */
        boolean readAcks() throws IOException {
            return acks.read(sender, (b, p) -> { });
        }
    }

    /**
     * Fixed-size records arriving on one socket, each starting with its sequence number (0, 1, …):
     * counts them and those out of order.
     */
    private static final class Records {
        final int size;
        final ByteBuffer in;
        long count;
        long outOfOrder;

        Records(int size) {
            this.size = size;
            this.in = ByteBuffer.allocate(Math.max(64 * 1024, 4 * size));
        }

        /** Reads {@code ch} once and hands each whole record (buffer, position) to {@code each}; false at EOF. */
        boolean read(SocketChannel ch, java.util.function.ObjIntConsumer<ByteBuffer> each) throws IOException {
            if (ch.read(in) < 0) {
                return false;
            }
            in.flip();
            while (in.remaining() >= size) {
                int p = in.position();
                if (in.getLong(p) != count) {
                    outOfOrder++;
                }
                count++;
                each.accept(in, p);
                in.position(p + size);
            }
            in.compact();
            return true;
        }

        void reset() {
            count = 0;
            outOfOrder = 0;
        }
    }

    /** Connects {@code count} pairs to the null relay on {@code port}; pair k is sockets 2k (receiver) and 2k+1. */
    FloorLoad(int port, int count, int frame) throws IOException {
        this.frame = frame;
        this.filler = new byte[frame - 16];
        Arrays.fill(filler, (byte) 'x');
        selector = Selector.open();
        pairs = new Pair[count];
        for (int k = 0; k < count; k++) {
            SocketChannel receiver = connect(port, 2 * k);
            SocketChannel sender = connect(port, 2 * k + 1);
            Pair p = new Pair(sender, receiver);
            receiver.register(selector, SelectionKey.OP_READ, p);
            sender.register(selector, SelectionKey.OP_READ, p);
            pairs[k] = p;
        }
    }

    private static SocketChannel connect(int port, int index) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer hello = ByteBuffer.allocate(4).putInt(0, index);
        while (hello.hasRemaining()) {
            ch.write(hello);
        }
        ch.configureBlocking(false);
        return ch;
    }

    /** What one run measured. */
    record Run(long sent, long received, long outOfOrder, long acks, long acksOutOfOrder, Duration elapsed,
               Latencies latencies) {
    }

    /**
     * Open loop: {@code perSecond} frames spread evenly over all pairs, for {@code duration}; paced
     * by {@link OpenLoop}, as {@link PairLoad#paced} is, so the relay sees the same
     * arrival pattern. Then waits (up to 10 s) for frames and acks still in flight: with
     * {@code writes} 0 nothing comes back, with 1 the frames, with 2 the frames and their acks.
     */
    Run paced(int perSecond, Duration duration, int writes) throws IOException {
        reset((int) (perSecond * duration.toSeconds() + 1024));
        long start = OpenLoop.run(perSecond, perSecond * duration.toSeconds(), i -> {
            Pair p = pairs[(int) (i % pairs.length)];
            p.queueNext();
            p.dirty = true;
        }, () -> poll(-1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (dirty() || (writes >= 1 && sum(p -> p.frames.count) < sum(p -> p.sent))
                || (writes == 2 && sum(p -> p.acks.count) < sum(p -> p.sent)))) {
            poll(5);
        }
        return new Run(sum(p -> p.sent), sum(p -> p.frames.count), sum(p -> p.frames.outOfOrder),
                sum(p -> p.acks.count), sum(p -> p.acks.outOfOrder), Duration.ofNanos(System.nanoTime() - start), latencies);
    }

    /** Waits for readable sockets (-1: does not wait) and handles what arrived; flushes queued sends. */
    private void poll(long timeoutMillis) throws IOException {
        if ((timeoutMillis < 0 ? selector.selectNow() : selector.select(timeoutMillis)) > 0) {
            for (SelectionKey key : selector.selectedKeys()) {
                Pair p = (Pair) key.attachment();
                boolean open = key.channel() == p.receiver ? p.readFrames() : p.readAcks();
                if (!open) {
                    key.cancel();
                }
            }
            selector.selectedKeys().clear();
        }
        for (Pair p : pairs) {
            if (p.dirty) {
                p.dirty = !p.flush();
            }
        }
    }

    private void reset(int expected) {
        latencies = new Latencies(expected);
        for (Pair p : pairs) {
            p.sent = 0;
            p.frames.reset();
            p.acks.reset();
        }
    }

    private boolean dirty() {
        for (Pair p : pairs) {
            if (p.dirty) {
                return true;
            }
        }
        return false;
    }

    private long sum(java.util.function.ToLongFunction<Pair> f) {
        long s = 0;
        for (Pair p : pairs) {
            s += f.applyAsLong(p);
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        for (Pair p : pairs) {
            p.sender.close();
            p.receiver.close();
        }
        selector.close();
    }
}
