package qstcs.bench.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The attacker on the same network, at a steady level for the whole soak:
 * <ul>
 *   <li>a connection flood: from {@code floodAddresses} loopback addresses (127.0.0.2, …), as many
 *       bare TCP connections as one address may leave unfinished (32) on each listener — the KMS's
 *       TLS and plain ports and the relay — each reopened as soon as the server cuts it;</li>
 *   <li>worst-case frames: two anonymous WebSocket sessions send the largest frame an
 *       unregistered client may (4 KiB, keys sharing one hash code) and, in turn, 60 KiB frames
 *       that are refused unread; an enrolled device sends 64 KiB frames of 2,048 keys sharing one
 *       hash code;</li>
 *   <li>refused requests: key requests without a token and operator requests with a wrong one,
 *       which the KMS must answer 401 and aggregate in its audit log.</li>
 * </ul>
 */
final class HostileClient implements AutoCloseable {

    /** Unfinished connections one address may hold on a listener (the servers' connection gate). */
    static final int PENDING_PER_ADDRESS = 32;

    private final SoakCounters counters;
    private final List<Thread> threads = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger floodConnected = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean running = true;

    HostileClient(SoakCounters counters) {
        this.counters = counters;
    }

    /**
     * Starts the connection flood against {@code ports} (loopback) from {@code addresses} source
     * addresses (127.0.0.2, …), each holding as many unfinished connections as the servers allow one address.
     */
    void flood(int[] ports, int addresses) {
        flood(ports, addresses, PENDING_PER_ADDRESS, 40);
    }

    /**
     * Starts a flood of {@code perAddress} bare connections from each of {@code addresses} source
     * addresses to each port, opening at most {@code opensPerTick} every 100 ms.
     */
    void flood(int[] ports, int addresses, int perAddress, int opensPerTick) {
        threads.add(Thread.ofPlatform().daemon().name("hostile-flood").start(() -> {
            try {
                floodLoop(ports, addresses, perAddress, opensPerTick);
            } catch (IOException e) {
                counters.failure("the flood itself failed: " + e);
            }
        }));
    }

    /** Flood connections connected now (the kernel completed them; the server may not have accepted them yet). */
    int floodConnected() {
        return floodConnected.get();
    }

    private void floodLoop(int[] ports, int addresses, int perAddress, int opensPerTick) throws IOException {
        int perListener = addresses * perAddress;
        SocketChannel[] slots = new SocketChannel[ports.length * perListener];
        ByteBuffer scratch = ByteBuffer.allocate(4096);
        try (Selector selector = Selector.open()) {
            while (running) {
                int opened = 0;
                for (int i = 0; i < slots.length && opened < opensPerTick; i++) {
                    if (slots[i] != null) {
                        continue;
                    }
                    int address = 2 + (i % perListener) / perAddress;
                    SocketChannel ch = SocketChannel.open();
                    try {
                        ch.configureBlocking(false);
                        ch.bind(new InetSocketAddress(loopback(address), 0));
                        ch.connect(new InetSocketAddress("127.0.0.1", ports[i / perListener]));
                        ch.register(selector, SelectionKey.OP_CONNECT, i);
                        slots[i] = ch;
                        counters.floodConnections.increment();
                        opened++;
                    } catch (IOException e) {
                        ch.close();
                    }
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    SocketChannel ch = (SocketChannel) key.channel();
                    try {
                        if (key.isConnectable()) {
                            ch.finishConnect();
                            floodConnected.incrementAndGet();
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            scratch.clear();
                            if (ch.read(scratch) < 0) {
                                throw new IOException("cut");
                            }
                        }
                    } catch (IOException e) {
                        if ((key.interestOps() & SelectionKey.OP_READ) != 0) {
                            floodConnected.decrementAndGet();
                        }
                        key.cancel();
                        ch.close();
                        slots[i] = null;
                        counters.floodCut.increment();
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SocketChannel ch : slots) {
                if (ch != null) {
                    ch.close();
                }
            }
        }
    }

    /**
     * Starts the worst-case frames: two anonymous sessions and one enrolled device
     * ({@code deviceId} with {@code token}) on the relay at {@code relay}.
     */
    void worstCaseFrames(HttpClient ws, URI relay, String deviceId, String token) {
        String anonymousFrame = WorstCaseFrames.collidingKeys(4_000);
        String refusedUnread = WorstCaseFrames.plainKeys(60_000);
        String registeredFrame = WorstCaseFrames.collidingKeys(64_000);
        for (int s = 0; s < 2; s++) {
            int session = s;
            threads.add(Thread.ofVirtual().name("hostile-anonymous-" + s).start(() -> {
                long n = 0;
                while (running) {
                    try (Session open = Session.open(ws, relay, null)) {
                        while (running && open.alive()) {
                            open.send(n++ % 8 == session ? refusedUnread : anonymousFrame);
                            counters.hostileFrames.increment();
                            Thread.sleep(50);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // refused or cut: come back
                    }
                    pause(1000); // one new session a second: the relay refuses sessions while RED
                }
            }));
        }
        threads.add(Thread.ofVirtual().name("hostile-device").start(() -> {
            while (running) {
                try (Session open = Session.open(ws, relay,
                        "{\"type\":\"register\",\"device_id\":\"" + deviceId + "\",\"token\":\"" + token + "\"}")) {
                    while (running && open.alive()) {
                        open.send(registeredFrame);
                        counters.hostileFrames.increment();
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // refused or cut: come back
                }
                pause(1000);
            }
        }));
    }

    /** Starts refused requests to the KMS: 20 a second, alternately without and with a wrong token. */
    void refusedRequests(KmsClient kms) {
        threads.add(Thread.ofVirtual().name("hostile-refusals").start(() -> {
            long n = 0;
            while (running) {
                try {
                    KmsClient.Reply r = n++ % 2 == 0
                            ? kms.post("/get_session_key", "{\"device_id\":\"Soldier_Alpha\"}", null)
                            : kms.get("/admin/devices", "0".repeat(64));
                    counters.refusals.increment();
                    if (r.status() >= 500) {
                        counters.serverErrors.increment();
                        counters.failure("an anonymous request got " + r.status());
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    pause(200); // the KMS closed the connection: it may
                }
            }
        }));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.interrupt();
            t.join(5000);
        }
    }

    /** The loopback address 127.0.0.0/8 numbered {@code n} from 127.0.0.0 (n ≥ 2 skips the clients' 127.0.0.1). */
    static String loopback(int n) {
        return "127.0." + (n >> 8) + "." + (n & 0xff);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One hostile WebSocket session that reads and drops whatever the relay answers. */
    private static final class Session implements AutoCloseable {
        private final WebSocket ws;
        private volatile boolean alive = true;

        private Session(HttpClient client, URI relay) throws Exception {
            ws = client.newWebSocketBuilder().buildAsync(relay, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    w.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    alive = false;
                    return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                    alive = false;
                }
            }).get(10, TimeUnit.SECONDS);
        }

        static Session open(HttpClient client, URI relay, String register) throws Exception {
            Session s = new Session(client, relay);
            if (register != null) {
                s.send(register);
            }
            return s;
        }

        boolean alive() {
            return alive && !ws.isOutputClosed();
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
