package qstcs.relay.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Sender/receiver pairs over OkHttp WebSockets (the client the apps use), each with unique device
 * ids. A frame carries its pair's sequence number in its id; the receiver checks order, counts,
 * and records the latency from just before the sender's {@code send} to its arrival.
 */
final class PairLoad implements AutoCloseable {

    /** A realistic sealed chat frame body: 100-byte message, 16-byte tag, hex. */
    private static final String NONCE = "0123456789abcdef01234567";
    private static final String CIPHERTEXT = "ab".repeat(116);
    private static final int RING = 1 << 16;

    private final OkHttpClient http;
    private final List<Pair> pairs = new ArrayList<>();
    private volatile Latencies latencies = new Latencies(0);

    private final class Pair {
        final int index;
        final String sender;
        final String recipient;
        final long[] sentAt = new long[RING];
        final Semaphore window = new Semaphore(0);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        WebSocket senderSocket;
        WebSocket receiverSocket;

        Pair(int index) {
            this.index = index;
            this.sender = "bench_s" + index;
            this.recipient = "bench_r" + index;
        }

        void send() {
            long seq = sent.getAndIncrement();
            String frame = "{\"type\":\"chat\",\"id\":\"b" + index + "-" + seq + "\",\"sender\":\"" + sender
                    + "\",\"recipient\":\"" + recipient + "\",\"key_id\":\"bench\",\"seq\":" + seq
                    + ",\"timestamp\":1700000000,\"nonce\":\"" + NONCE + "\",\"ciphertext\":\"" + CIPHERTEXT + "\"}";
            sentAt[(int) (seq & (RING - 1))] = System.nanoTime();
            senderSocket.send(frame);
        }

        void onFrame(String text) {
            long now = System.nanoTime();
            int id = text.indexOf("\"id\":\"b");
            if (id < 0) {
                return; // registered, presence
            }
            int dash = text.indexOf('-', id);
            int end = text.indexOf('"', dash);
            long seq = Long.parseLong(text, dash + 1, end, 10);
            long expected = received.getAndIncrement();
            if (seq != expected) {
                outOfOrder.incrementAndGet();
            }
            latencies.add(now - sentAt[(int) (seq & (RING - 1))]);
            window.release();
        }
    }

    PairLoad(int port, int count) {
        // A WebSocket holds its dispatcher slot while open: lift the default 64 / 5 per host.
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequests(100_000);
        dispatcher.setMaxRequestsPerHost(100_000);
        http = new OkHttpClient.Builder().readTimeout(Duration.ZERO).dispatcher(dispatcher).build();
        for (int i = 0; i < count; i++) {
            Pair p = new Pair(i);
            p.receiverSocket = open(port, p.recipient, p::onFrame);
            p.senderSocket = open(port, p.sender, text -> { });
            pairs.add(p);
        }
    }

    private WebSocket open(int port, String id, java.util.function.Consumer<String> onText) {
        CompletableFuture<Void> registered = new CompletableFuture<>();
        WebSocket ws = http.newWebSocket(new Request.Builder().url("ws://127.0.0.1:" + port + "/").build(),
                new WebSocketListener() {
                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        if (!registered.isDone() && text.startsWith("{\"type\":\"registered\"")) {
                            registered.complete(null);
                        } else if (text.startsWith("{\"type\":\"error\"")) {
                            System.err.println("relay error for " + id + ": " + text);
                        }
                        onText.accept(text);
                    }

                    @Override
                    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                        registered.completeExceptionally(t);
                    }
                });
        ws.send("{\"type\":\"register\",\"device_id\":\"" + id + "\"}");
        registered.orTimeout(30, TimeUnit.SECONDS).join();
        return ws;
    }

    /** What one run measured. */
    record Run(long sent, long received, long outOfOrder, Duration elapsed, Latencies latencies) {
        double perSecond() {
            return received * 1e9 / elapsed.toNanos();
        }
    }

    /** Closed loop: every pair keeps {@code window} frames in flight for {@code duration}. */
    Run closedLoop(int window, Duration duration) throws InterruptedException {
        reset((int) Math.min(Integer.MAX_VALUE - 8, 200_000L * duration.toSeconds()));
        for (Pair p : pairs) {
            p.window.release(window);
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(pairs.size());
        for (Pair p : pairs) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        if (p.window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                            p.send();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        return finish(start);
    }

    /** Open loop: {@code perSecond} frames spread evenly over all pairs, for {@code duration}. */
    Run paced(int perSecond, Duration duration) throws InterruptedException {
        reset((int) (perSecond * duration.toSeconds() + 1024));
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long total = perSecond * duration.toSeconds();
        long next = start;
        for (long i = 0; i < total; i++) {
            long wait = next - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait - 10_000);
            }
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            pairs.get((int) (i % pairs.size())).send();
            next += interval;
        }
        return finish(start);
    }

    private void reset(int expected) {
        latencies = new Latencies(expected);
        for (Pair p : pairs) {
            p.window.drainPermits();
            p.sent.set(0);
            p.received.set(0);
            p.outOfOrder.set(0);
        }
    }

    /** Waits (up to 10 s) for frames still in flight, then sums up. */
    private Run finish(long start) throws InterruptedException {
        long sendEnd = System.nanoTime();
        long deadline = sendEnd + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && received() < sent()) {
            Thread.sleep(5);
        }
        long ooo = pairs.stream().mapToLong(p -> p.outOfOrder.get()).sum();
        // Up to the last arrival, so frames still in flight at the end count at their true time.
        return new Run(sent(), received(), ooo, Duration.ofNanos(System.nanoTime() - start), latencies);
    }

    private long sent() {
        return pairs.stream().mapToLong(p -> p.sent.get()).sum();
    }

    private long received() {
        return pairs.stream().mapToLong(p -> p.received.get()).sum();
    }

    @Override
    public void close() {
        for (Pair p : pairs) {
            p.senderSocket.close(1000, null);
            p.receiverSocket.close(1000, null);
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
