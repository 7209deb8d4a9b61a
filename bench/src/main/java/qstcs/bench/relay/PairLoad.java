package qstcs.bench.relay;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

/**
 * Sender/receiver pairs with unique device ids over {@link BenchSocket}s, driven by one event-loop
 * thread. A frame carries its pair's sequence number in
 * its id; the receiver checks order and counts, and records the latency from just before the
 * sender's socket write to the arrival of the frame.
 *
 * <p>Why not OkHttp here: it runs a reader thread per socket and does several allocations and
 * copies per frame; with 200 sockets on the same two cores as the relay, the generator would cost
 * more CPU per message than the relay itself and the benchmark would measure the client.
 */
public final class PairLoad implements AutoCloseable {

    /** A realistic sealed chat frame body: 100-byte message, 16-byte tag, hex. */
    private static final String NONCE = "0123456789abcdef01234567";
    private static final String CIPHERTEXT = "ab".repeat(116);
    private static final int RING = 1 << 16;
    private static final byte[] ID_MARK = "\"id\":\"b".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_MARK = "{\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);

    private final Selector selector;
    private final List<Pair> pairs = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile Latencies latencies = new Latencies(0);
    /** Closed loop: receivers trigger the next send until this time (System.nanoTime()). */
    private long closedLoopUntil;
    /** Counts runs (warm-up included); part of every frame id. */
    private int run;
    private boolean closedLoop;

    private final class Pair {
        final int index;
        final String sender;
        final String recipient;
        final long[] sentAt = new long[RING];
        BenchSocket senderSocket;
        BenchSocket receiverSocket;
        long sent;
        long received;
        long outOfOrder;
        boolean dirty;

        Pair(int index) {
            this.index = index;
            this.sender = "bench_s" + index;
            this.recipient = "bench_r" + index;
        }

        /** Queues the next frame on the sender socket (the caller flushes). */
        void queueNext() {
            long seq = sent;
            // The run number keeps ids unique across runs, as a client's UUIDs are: a relay cluster
            // drops a frame whose sender and id it stored in the last two minutes as a retransmission.
            String frame = "{\"type\":\"chat\",\"id\":\"b" + run + "_" + index + "-" + seq + "\",\"sender\":\"" + sender
                    + "\",\"recipient\":\"" + recipient + "\",\"key_id\":\"bench\",\"seq\":" + seq
                    + ",\"timestamp\":1700000000,\"nonce\":\"" + NONCE + "\",\"ciphertext\":\"" + CIPHERTEXT + "\"}";
            sentAt[(int) (seq & (RING - 1))] = System.nanoTime();
            senderSocket.queueText(frame.getBytes(StandardCharsets.US_ASCII));
            sent = seq + 1;
        }

        /** A frame arrived at the receiver: a relayed chat frame, or registered/presence. */
        void onReceived(byte[] buf, int off, int len) {
            long now = System.nanoTime();
            int id = indexOf(buf, off, len, ID_MARK);
            if (id < 0) {
                return;
            }
            int i = id + ID_MARK.length;
            int end = off + len;
            while (i < end && buf[i] != '-') {
                i++;
            }
            long seq = 0;
            for (i++; i < end && buf[i] != '"'; i++) {
                seq = seq * 10 + (buf[i] - '0');
            }
            if (seq != received) {
                outOfOrder++;
            }
            received++;
            latencies.add(now - sentAt[(int) (seq & (RING - 1))]);
            if (closedLoop && now < closedLoopUntil) {
                queueNext();
                dirty = true;
            }
        }
    }

    /**
     * Connects and registers {@code count} pairs: over {@code wss} pinned to {@code tls} with each
     * device's token from {@code tokens}, or over plain {@code ws} without tokens when {@code tls}
     * is null.
     */
    public PairLoad(int port, int count, SSLContext tls, DeviceTokens tokens) throws Exception {
        this(new int[] {port}, count, tls, tokens);
    }

    /**
     * Pairs spread over several relays of a cluster: pair {@code i}'s recipient on relay
     * {@code i mod n}, its sender on the next one, so every frame crosses relays (with one port,
     * both on it).
     */
    PairLoad(int[] ports, int count, SSLContext tls, DeviceTokens tokens) throws Exception {
        selector = Selector.open();
        for (int i = 0; i < count; i++) {
            Pair p = new Pair(i);
            p.receiverSocket = register(ports[i % ports.length], p.recipient, tls, tokens);
            p.senderSocket = register(ports[(i + 1) % ports.length], p.sender, tls, tokens);
            p.receiverSocket.channel.register(selector, SelectionKey.OP_READ, p);
            p.senderSocket.channel.register(selector, SelectionKey.OP_READ, p.senderSocket);
            pairs.add(p);
        }
    }

    /** Where a production run's device tokens come from (enrollment with the KMS). */
    public interface DeviceTokens {
        String tokenFor(String deviceId) throws Exception;
    }

    private static BenchSocket register(int port, String id, SSLContext tls, DeviceTokens tokens) throws Exception {
        BenchSocket s = BenchSocket.open(port, tls);
        String token = tls == null ? "" : ",\"token\":\"" + tokens.tokenFor(id) + "\"";
        s.queueText(("{\"type\":\"register\",\"device_id\":\"" + id + "\"" + token + "}")
                .getBytes(StandardCharsets.US_ASCII));
        s.flushFully();
        s.awaitText("{\"type\":\"registered\"", TimeUnit.SECONDS.toNanos(30));
        return s;
    }

    /** What one run measured. */
    public record Run(long sent, long received, long outOfOrder, Duration elapsed, Latencies latencies) {
        public double perSecond() {
            return received * 1e9 / elapsed.toNanos();
        }
    }

    /** Closed loop: every pair keeps {@code window} frames in flight for {@code duration}. */
    Run closedLoop(int window, Duration duration) throws IOException {
        reset((int) Math.min(Integer.MAX_VALUE - 8, 300_000L * duration.toSeconds()));
        long start = System.nanoTime();
        closedLoop = true;
        closedLoopUntil = start + duration.toNanos();
        for (Pair p : pairs) {
            for (int i = 0; i < window; i++) {
                p.queueNext();
            }
            p.senderSocket.flushFully();
        }
        while (System.nanoTime() < closedLoopUntil) {
            poll(10);
        }
        closedLoop = false;
        return finish(start);
    }

    /**
     * Open loop: {@code perSecond} frames spread evenly over all pairs, for {@code duration}, paced
     * by {@link OpenLoop} (one thread; it sleeps between due frames and polls without blocking). A
     * frame that arrives while it sleeps is timestamped when it wakes, so latencies err on the high
     * side by at most one sleep.
     */
    public Run paced(int perSecond, Duration duration) throws IOException {
        reset((int) (perSecond * duration.toSeconds() + 1024));
        long start = OpenLoop.run(perSecond, perSecond * duration.toSeconds(), i -> {
            Pair p = pairs.get((int) (i % pairs.size()));
            p.queueNext();
            p.dirty = true;
        }, () -> poll(-1));
        return finish(start);
    }

    /** Waits for readable sockets (-1: does not wait) and handles what arrived; flushes queued sends. */
    private void poll(long timeoutMillis) throws IOException {
        if ((timeoutMillis < 0 ? selector.selectNow() : selector.select(timeoutMillis)) > 0) {
            for (SelectionKey key : selector.selectedKeys()) {
                BenchSocket s;
                if (key.attachment() instanceof Pair p) {
                    s = p.receiverSocket;
                    s.readFrames((sock, buf, off, len) -> p.onReceived(buf, off, len));
                } else {
                    // A sender socket: acks (read and dropped) and, if something is wrong, errors.
                    s = (BenchSocket) key.attachment();
                    s.readFrames(this::onSenderFrame);
                }
                if (s.closed()) {
                    key.cancel();
                }
            }
            selector.selectedKeys().clear();
        }
        for (Pair p : pairs) {
            if (p.dirty) {
                p.dirty = !p.senderSocket.flush();
            }
        }
    }

    private void onSenderFrame(BenchSocket socket, byte[] buf, int off, int len) {
        if (len >= ERROR_MARK.length && indexOf(buf, off, ERROR_MARK.length, ERROR_MARK) == off
                && errors.getAndIncrement() < 5) {
            System.err.println("relay error: " + new String(buf, off, len, StandardCharsets.UTF_8));
        }
    }

    private void reset(int expected) {
        latencies = new Latencies(expected);
        run++;
        for (Pair p : pairs) {
            p.sent = 0;
            p.received = 0;
            p.outOfOrder = 0;
        }
    }

    /** Keeps reading (up to 10 s) until frames still in flight have arrived, then sums up. */
    private Run finish(long start) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && received() < sent()) {
            poll(5);
        }
        long ooo = pairs.stream().mapToLong(p -> p.outOfOrder).sum();
        // Up to the last arrival, so frames still in flight at the end count at their true time.
        return new Run(sent(), received(), ooo, Duration.ofNanos(System.nanoTime() - start), latencies);
    }

    long errors() {
        return errors.get();
    }

    private long sent() {
        return pairs.stream().mapToLong(p -> p.sent).sum();
    }

    private long received() {
        return pairs.stream().mapToLong(p -> p.received).sum();
    }

    private static int indexOf(byte[] buf, int off, int len, byte[] mark) {
        int last = off + len - mark.length;
        outer:
        for (int i = off; i <= last; i++) {
            for (int j = 0; j < mark.length; j++) {
                if (buf[i + j] != mark[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        for (Pair p : pairs) {
            p.senderSocket.close();
            p.receiverSocket.close();
        }
        selector.close();
    }
}
