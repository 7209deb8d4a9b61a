package qstcs.relay;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;

import qstcs.crypto.wire.CloseCode;

/**
 * One WebSocket connection as the relay sees it: where to write (its {@link Outbox}), the device
 * id it registered (null before register), and whether the relay has closed it. Any thread may
 * send; sending never waits for the client to read.
 */
final class ClientConnection {

    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

    /** How long a close may wait behind a socket the client does not read before the socket is cut. */
    static final long CLOSE_GRACE_NANOS = 2_000_000_000L;

    /**
     * The transport under one connection: Helidon's blocking socket with an {@link Outbox}, or a
     * socket of the relay's own event loop ({@link LoopSocket}). Any thread may call it.
     */
    interface Wire {
        /** Queues an encoded frame; never blocks. */
        default Outbox.Offer offer(byte[] frame) {
            return offer(frame, null);
        }

        /**
         * Queues an encoded frame; never blocks. {@code written} (may be null) runs once the frame's
         * bytes have been handed to the kernel by a successful socket write (with TLS, the record
         * holding its last byte), on the writing thread; it never runs for a frame that is dropped
         * (the connection closed, its queue discarded), so it must be quick and must not throw.
         */
        Outbox.Offer offer(byte[] frame, Runnable written);

        /** Queues a close frame behind everything queued before it. */
        void close(int code, String reason);

        /** Drops whatever is queued and refuses more. */
        void discard();

        /** Sends a close frame past the queue (the client does not read; the queue is dropped). */
        void closeAside(int code, String reason);

        /** True while the socket is open. */
        boolean alive();

        /** Ends the socket now. */
        void cut();
    }

    private final Wire outbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onSlow;
    private volatile String deviceId;
    /** System.nanoTime() when the relay asked for the close; 0 while open. */
    private volatile long closingSince;

    /**
     * @param reader        the thread that reads this connection; it ends when the socket is gone
     * @param outboundBytes most bytes waiting for this client before it counts as too slow
     * @param onSlow        called once when the client is dropped for reading too slowly
     */
    ClientConnection(WsSession session, Thread reader, long outboundBytes, Runnable onSlow) {
        this(new HelidonWire(session, reader, outboundBytes), onSlow);
    }

    /** A connection over {@code wire}; {@code onSlow} is called once when it is dropped for reading too slowly. */
    ClientConnection(Wire wire, Runnable onSlow) {
        this.outbox = wire;
        this.onSlow = onSlow;
    }

    String deviceId() {
        return deviceId;
    }

    void bind(String id) {
        this.deviceId = id;
    }

    boolean readerAlive() {
        return outbox.alive();
    }

    boolean isOpen() {
        return !closed.get() && outbox.alive();
    }

    /**
     * Queues one text frame; false when the connection is closed, its writes failed (the peer is
     * gone), or the client reads too slowly (it is then closed), i.e. whenever the frame will not
     * reach it.
     */
    boolean send(String text) {
        return send(Outbox.encode(text), null);
    }

    /**
     * As {@link #send(String)}, and {@code written} runs once the frame's bytes are in the socket
     * (see {@link Wire#offer(byte[], Runnable)}); never when the frame does not get there.
     */
    boolean send(String text, Runnable written) {
        return send(Outbox.encode(text), written);
    }

    /** Queues a frame already encoded with {@link Outbox#encode} (one encoding for many recipients). */
    boolean send(byte[] frame) {
        return send(frame, null);
    }

    private boolean send(byte[] frame, Runnable written) {
        if (closed.get()) {
            return false;
        }
        switch (outbox.offer(frame, written)) {
            case QUEUED -> {
                return true;
            }
            case OVER_BUDGET -> {
                tooSlow();
                return false;
            }
            default -> {
                closed.set(true);
                return false;
            }
        }
    }

    /** Queues a last frame (may be null) and a close with {@code code}; only the first close counts. */
    void closeWith(String lastFrame, CloseCode code, String reason) {
        if (lastFrame != null) {
            send(lastFrame);
        }
        if (closed.compareAndSet(false, true)) {
            closingSince = System.nanoTime();
            outbox.close(code.code(), reason);
        }
    }

    /**
     * The client let more than its outbound budget pile up: it is not reading. Its backlog is dropped
     * and it gets a close 1008, which it will see only if it reads again; {@link #cutIfStuck} ends the
     * socket if it does not.
     */
    private void tooSlow() {
        if (closed.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "closing {0}: it does not read what is sent to it (outbound backlog over the limit)",
                    this);
            closingSince = System.nanoTime();
            outbox.discard();
            onSlow.run();
            // The close frame cannot pass the unread data: try it on the side, and cut the socket
            // from the sweep if it is still stuck after the grace period.
            outbox.closeAside(CloseCode.POLICY.code(), "reading too slowly: outbound backlog over the limit");
        }
    }

    /**
     * Ends the socket of a connection whose close has waited longer than the grace period (a client
     * that does not read never lets the close frame through). Called by the periodic sweep.
     */
    void cutIfStuck(long now) {
        long since = closingSince;
        if (since != 0 && now - since > CLOSE_GRACE_NANOS && outbox.alive()) {
            outbox.cut();
        }
    }

    /** Helidon's blocking WebSocket: an {@link Outbox} over its socket writer, and the reader thread. */
    private record HelidonWire(WsSession session, Thread reader, Outbox outbox) implements Wire {

        HelidonWire(WsSession session, Thread reader, long outboundBytes) {
            this(session, reader, new Outbox(Outbox.sink(writer(session), session), outboundBytes));
        }

        private static io.helidon.common.buffers.DataWriter writer(WsSession session) {
            if (!(session.socketContext() instanceof ConnectionContext ctx)) {
                throw new IllegalStateException("not a Helidon server WebSocket session");
            }
            return ctx.dataWriter();
        }

        @Override
        public Outbox.Offer offer(byte[] frame, Runnable written) {
            return outbox.offer(frame, written);
        }

        @Override
        public void close(int code, String reason) {
            outbox.close(code, reason);
        }

        @Override
        public void discard() {
            outbox.discard();
        }

        @Override
        public void closeAside(int code, String reason) {
            Thread.startVirtualThread(() -> {
                try {
                    session.close(code, reason);
                } catch (RuntimeException e) {
                    // The socket was cut meanwhile.
                }
            });
        }

        @Override
        public boolean alive() {
            return reader.isAlive();
        }

        @Override
        public void cut() {
            if (session instanceof ServerConnection server) {
                // Interrupting the reader closes the socket, which also fails a write blocked on it.
                server.close(true);
            }
        }
    }

    @Override
    public String toString() {
        return "ClientConnection[" + (deviceId == null ? "unregistered" : deviceId) + "]";
    }
}
