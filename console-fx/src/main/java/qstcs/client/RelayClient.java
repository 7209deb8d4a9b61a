package qstcs.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The relay's WebSocket protocol over OkHttp: connects, registers the device as
 * its first frame, and hands on each frame parsed once into a {@link RelayFrame}. It decides
 * nothing: that is the session's job. Callbacks run on OkHttp's reader thread.
 */
final class RelayClient {
    /** What the relay says: each frame parsed once, then the end of the connection. */
    public interface Listener {
        /** A frame from the relay (its own, or one another device routed through it). */
        void onFrame(Connection c, RelayFrame frame);

        /** The connection is gone: closed by either side ({@code problem} null) or failed. */
        void onClosed(Connection c, int code, String reason, ClientException problem);
    }

    /** A relay silent this long is pinged (the relay answers {@code {"type":"ping"}} with a pong). */
    static final java.time.Duration PING_AFTER = java.time.Duration.ofSeconds(5);
    /**
     * A relay silent this long, pings included, is gone: its machine died or the path to it broke.
     * TCP says nothing for many minutes then, and OkHttp's own ping waits in the same write queue
     * as a frame blocked on the dead socket, so it never goes out while the session has data to send.
     */
    static final java.time.Duration SILENCE_LIMIT = java.time.Duration.ofSeconds(15);
    private static final String PING = "{\"type\":\"ping\"}";

    private final ClientConfig config;
    private final OkHttpClient http;
    /** Index into {@link ClientConfig#relayUrls()} of the relay to use next. */
    private final java.util.concurrent.atomic.AtomicInteger relayIndex = new java.util.concurrent.atomic.AtomicInteger();

    RelayClient(ClientConfig config, OkHttpClient http) {
        this.config = Objects.requireNonNull(config);
        this.http = http;
    }

    /** The relay the next {@link #connect} goes to: the cluster's next one after a relay was unreachable. */
    public java.net.URI next() {
        return relayAt(relayIndex.get());
    }

    /** The relay of the list at {@code slot}, counting round the list. */
    private java.net.URI relayAt(int slot) {
        java.util.List<java.net.URI> relays = config.relayUrls();
        return relays.get(Math.floorMod(slot, relays.size()));
    }

    /** Opens a connection; it registers by itself once open and reports through {@code listener}. */
    public Connection connect(Listener listener) {
        int slot = relayIndex.get();
        java.net.URI relay = relayAt(slot);
        Connection c = new Connection(listener, relay, slot);
        Request request = new Request.Builder().url(relay.toString()).build();
        c.socket = http.newWebSocket(request, c.new Events());
        return c;
    }

    /** One WebSocket session with the relay. */
    public final class Connection {
        private final Listener listener;
        private final java.net.URI relay;
        private final int slot;
        private volatile WebSocket socket;
        private volatile boolean ended;
        /** System.nanoTime() of the last frame from the relay (or of the connect). */
        private volatile long lastHeard = System.nanoTime();
        private volatile boolean silent;
        /** Opens when the socket is gone: both close frames exchanged, or the connection failed. */
        private final java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);

        private Connection(Listener listener, java.net.URI relay, int slot) {
            this.listener = listener;
            this.relay = relay;
            this.slot = slot;
        }

        /** The relay this connection goes to. */
        public java.net.URI relay() {
            return relay;
        }

        /** Queues a frame for sending; false when the connection is already closing or gone. */
        public boolean send(String frame) {
            WebSocket ws = socket;
            return !ended && ws != null && ws.send(frame);
        }

        /**
         * Called every few seconds with {@code System.nanoTime()}: pings a quiet relay and abandons
         * one that stayed silent past {@link #SILENCE_LIMIT}; the listener then hears
         * {@code RELAY_UNREACHABLE} and the next connection tries the cluster's next relay.
         */
        public void checkAlive(long now) {
            WebSocket ws = socket;
            if (ended || ws == null) {
                return;
            }
            long quiet = now - lastHeard;
            if (quiet > SILENCE_LIMIT.toNanos()) {
                silent = true;
                ws.cancel(); // closes the socket, which also fails a write blocked on it
            } else if (quiet > PING_AFTER.toNanos()) {
                ws.send(PING);
            }
        }

        public void close() {
            ended = true;
            WebSocket ws = socket;
            if (ws != null && !ws.close(1000, "bye")) {
                ws.cancel();
            }
        }

        /**
         * Waits at most {@code limit} for the socket to be gone after {@link #close}: a graceful
         * close sends the frames already queued, then the close frame, and the relay answers it.
         * True when it is gone.
         */
        public boolean awaitGone(java.time.Duration limit) throws InterruptedException {
            return socket == null || gone.await(limit.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        private void end(int code, String reason, ClientException problem) {
            if (!ended || problem != null || code != 0) {
                boolean first = !ended;
                ended = true;
                if (first && problem != null && problem.problem() == ClientException.Problem.RELAY_UNREACHABLE) {
                    // The relay is down or the path to it broke: the next connection tries the
                    // cluster's next relay (with one relay, the same one again).
                    relayIndex.compareAndSet(slot, slot + 1);
                }
                if (first) {
                    listener.onClosed(this, code, reason, problem);
                }
            }
        }

        private final class Events extends WebSocketListener {
            @Override
            public void onOpen(WebSocket ws, Response response) {
                lastHeard = System.nanoTime();
                ObjectNode register = KmsClient.JSON.createObjectNode()
                        .put("type", "register").put("device_id", config.deviceId());
                config.deviceToken().ifPresent(t -> register.put("token", t));
                ws.send(register.toString());
            }

            @Override
            public void onMessage(WebSocket ws, String text) {
                lastHeard = System.nanoTime();
                RelayFrame.parse(text).ifPresent(f -> listener.onFrame(Connection.this, f));
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                ws.close(1000, null);
                end(code, reason, null);
            }

            @Override
            public void onClosed(WebSocket ws, int code, String reason) {
                gone.countDown();
                end(code, reason, null);
            }

            @Override
            public void onFailure(WebSocket ws, Throwable t, Response response) {
                gone.countDown();
                if (ended && response == null) {
                    end(0, "", null);
                    return;
                }
                end(0, "", failure(relay, silent ? new java.net.SocketTimeoutException("silent relay") : t, response));
            }
        }
    }

    private ClientException failure(java.net.URI relay, Throwable t, Response response) {
        if (response != null) {
            int code = response.code();
            if (code >= 500) {
                // The relay is there but failed this upgrade: a server error, not a wrong address.
                return new ClientException(ClientException.Problem.RELAY_UNREACHABLE, "The relay at " + relay
                        + " had a server error (HTTP " + code + "); trying again.", true);
            }
            if (code == 403 || code == 401) {
                return new ClientException(ClientException.Problem.REGISTRATION_REJECTED,
                        "The relay at " + relay + " refused the connection (HTTP " + code + ").");
            }
            return new ClientException(ClientException.Problem.WRONG_URL, relay
                    + " answered, but it is not a QSTCS relay (HTTP " + code + "). Check the relay address.");
        }
        String why = t instanceof java.net.ConnectException ? "connection refused"
                : t instanceof java.net.UnknownHostException ? "unknown host name"
                : t instanceof java.net.SocketTimeoutException ? "no answer in time"
                : t instanceof java.io.EOFException ? "the connection was cut"
                : "network error";
        return new ClientException(ClientException.Problem.RELAY_UNREACHABLE, "Cannot reach the relay at "
                + relay + " (" + why + "). Check that the relay is running and the address is right.");
    }
}
