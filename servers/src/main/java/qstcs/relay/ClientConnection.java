package qstcs.relay;

import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.websocket.WsSession;

/**
 * One WebSocket connection as the relay sees it: the session to write to, the device id it
 * registered (null before register), and whether the relay has closed it. Writes from several
 * threads are safe (Helidon serialises them per session).
 */
final class ClientConnection {

    /** Close code when the KMS reports the quantum link RED (DESIGN §5). */
    static final int CLOSE_LINK_RED = 4403;
    /** Close code for a connection replaced by a newer one with the same device id. */
    static final int CLOSE_REPLACED = 4409;
    /** Close code for a device the operator revoked (its token no longer works). */
    static final int CLOSE_REVOKED = 4401;
    /** Close code for a client that floods the relay (RFC 6455 policy violation). */
    static final int CLOSE_POLICY = 1008;

    private final WsSession session;
    private final Thread reader;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String deviceId;

    /** @param reader the thread that reads this connection; it ends when the socket is gone */
    ClientConnection(WsSession session, Thread reader) {
        this.session = session;
        this.reader = reader;
    }

    String deviceId() {
        return deviceId;
    }

    void bind(String id) {
        this.deviceId = id;
    }

    boolean isOpen() {
        return !closed.get() && reader.isAlive();
    }

    /**
     * Sends one text frame; false when the connection is closed or the write fails (the peer is
     * gone), in which case the connection counts as closed from now on.
     */
    boolean send(String text) {
        if (closed.get()) {
            return false;
        }
        try {
            session.send(text, true);
            return true;
        } catch (RuntimeException e) {
            closed.set(true);
            return false;
        }
    }

    /** Sends a last frame (may be null) and closes with {@code code}; only the first close counts. */
    void closeWith(String lastFrame, int code, String reason) {
        if (lastFrame != null) {
            send(lastFrame);
        }
        if (closed.compareAndSet(false, true)) {
            try {
                session.close(code, reason);
            } catch (RuntimeException e) {
                // The peer is already gone; nothing left to tell it.
            }
        }
    }

    @Override
    public String toString() {
        return "ClientConnection[" + (deviceId == null ? "unregistered" : deviceId) + "]";
    }
}
