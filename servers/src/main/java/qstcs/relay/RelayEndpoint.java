package qstcs.relay;

import java.lang.System.Logger.Level;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import qstcs.crypto.wire.CloseCode;

/**
 * The listener of one WebSocket connection (a fresh instance per connection). It enforces the
 * per-connection limits (frame size, rate, text only), reads the frame header and hands the frame
 * to the shared {@link Switchboard}. Whatever a client sends, it gets an error frame or, when it
 * floods, a close; the relay itself never fails because of input.
 */
final class RelayEndpoint implements WsListener {

    private static final System.Logger LOG = System.getLogger(RelayEndpoint.class.getName());

    private final Switchboard switchboard;
    private final RelayLimits limits;
    /** The connection's own rate until it registers, then its device's (a reconnect does not reset it). */
    private FrameRate rate;
    private ClientConnection connection;
    /** A text message arriving in several WebSocket fragments; null when none is pending. */
    private StringBuilder fragments;
    private boolean fragmentsTooLarge;

    /**
     * Runs work that may wait on the network (a register asks the KMS about the token, a cluster
     * records presence in NATS) away from an event loop, which must never wait; null: run it on
     * the calling thread (Helidon's reader thread per connection may wait).
     */
    private final java.util.function.Consumer<Runnable> blockingWork;

    /** Told the peer's address once the upgrade is done (the connection gate stops its head deadline). */
    private final java.util.function.Consumer<java.net.SocketAddress> onUpgraded;

    RelayEndpoint(Switchboard switchboard) {
        this(switchboard, remote -> { });
    }

    RelayEndpoint(Switchboard switchboard, java.util.function.Consumer<java.net.SocketAddress> onUpgraded) {
        this(switchboard, onUpgraded, null);
    }

    /** An endpoint of the event loop, whose register runs through {@code blockingWork}. */
    RelayEndpoint(Switchboard switchboard, java.util.function.Consumer<java.net.SocketAddress> onUpgraded,
                  java.util.function.Consumer<Runnable> blockingWork) {
        this.blockingWork = blockingWork;
        this.onUpgraded = onUpgraded;
        this.switchboard = switchboard;
        this.limits = switchboard.limits();
        this.rate = new FrameRate(limits.ratePerSecond(), limits.rateBurst(), System::nanoTime);
    }

    @Override
    public void onOpen(WsSession session) {
        onUpgraded.accept(session.socketContext().remotePeer().address());
        // Helidon calls onOpen on the thread that then reads this connection until it ends.
        connection = new ClientConnection(session, Thread.currentThread(), limits.outboundBytes(),
                switchboard.stats().slowClosed::increment);
        // While the link is RED the switchboard answers with a link frame and close 4403 right
        // away. (Refusing the HTTP upgrade instead leaves the client a bare 400 from Helidon.)
        switchboard.opened(connection);
    }

    /**
     * A connection of the relay's event loop, upgraded: from here on its frames arrive through
     * {@link #text}, {@link #binary}, {@link #ping} and {@link #ended}, all on the loop's thread.
     */
    void attach(ClientConnection c) {
        connection = c;
        switchboard.opened(connection);
    }

    /**
     * A message whose text the event loop did not keep because it exceeds the frame limit: the
     * same error as for a large message read whole.
     */
    void tooLarge() {
        if (admitted()) {
            switchboard.reject(connection, ErrorCode.FRAME_TOO_LARGE,
                    "frame exceeds " + limits.maxFrameBytes() + " bytes", null);
        }
    }

    /** A whole binary message (refused: frames are JSON text). */
    void binary() {
        if (admitted()) {
            switchboard.reject(connection, ErrorCode.BINARY_UNSUPPORTED, "send frames as JSON text messages", null);
        }
    }

    /** A WebSocket ping with {@code payload}: answered with a pong. */
    void ping(byte[] payload) {
        if (connection != null && admitted()) {
            connection.send(Outbox.pong(payload));
        }
    }

    /** The connection ended (close frame, end of stream, failed socket). */
    void ended() {
        if (connection != null) {
            switchboard.closed(connection);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        text(text, last);
    }

    /** One text message, or a fragment of one when {@code last} is false. */
    void text(String text, boolean last) {
        if (!last || fragments != null) {
            text = assemble(text, last);
            if (text == null) {
                return;
            }
        }
        if (!admitted()) {
            return;
        }
        if (text.indexOf('\uFFFD') >= 0) {
            // Helidon decodes text frames leniently, turning invalid UTF-8 into U+FFFD. No QSTCS
            // frame holds that character (they are ASCII JSON), so it stands for invalid input.
            connection.closeWith(null, CloseCode.INVALID_UTF8, "text frames must be valid UTF-8");
            switchboard.closed(connection);
            return;
        }
        if (text.length() > limits.maxFrameBytes()) {
            switchboard.reject(connection, ErrorCode.FRAME_TOO_LARGE,
                    "frame exceeds " + limits.maxFrameBytes() + " bytes", null);
            return;
        }
        if (connection.deviceId() == null && text.length() > FrameReader.MAX_UNREGISTERED_FRAME) {
            // Before register only register and ping make sense, and both are short: a large frame
            // from an anonymous client is refused unread, so it cannot spend the relay's CPU.
            switchboard.reject(connection, ErrorCode.NOT_REGISTERED, "send register with your device_id first"
                    + " (frames before register are at most " + FrameReader.MAX_UNREGISTERED_FRAME + " bytes)", null);
            return;
        }
        try {
            handle(text);
        } catch (RuntimeException e) {
            // Never echo the exception: its message could quote the frame.
            LOG.log(Level.WARNING, "frame handling failed on {0}: {1}", connection, e.getClass().getName());
            switchboard.reject(connection, ErrorCode.INTERNAL, "the relay could not handle this frame", null);
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (!last || !admitted()) {
            return;
        }
        switchboard.reject(connection, ErrorCode.BINARY_UNSUPPORTED, "send frames as JSON text messages", null);
    }

    /** WebSocket pings get their pong (keep-alives of browsers and proxies rely on it). */
    @Override
    public void onPing(WsSession session, BufferData buffer) {
        if (connection != null && admitted()) {
            byte[] payload = new byte[buffer.available()];
            buffer.read(payload);
            connection.send(Outbox.pong(payload));
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (connection != null) {
            switchboard.closed(connection);
        }
    }

    /**
     * Helidon reports here what it could not make of a client's frame (a close frame with a
     * one-byte payload, for one); the relay's own handlers catch their failures themselves. The
     * client gets a protocol-error close with a fixed reason, never the exception's text.
     */
    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.INFO, "closing {0}: malformed WebSocket frame ({1})", connection, t.getClass().getSimpleName());
        session.close(CloseCode.PROTOCOL_ERROR.code(), "malformed WebSocket frame");
        if (connection != null) {
            switchboard.closed(connection);
        }
    }

    private void handle(String text) {
        switch (FrameReader.read(text)) {
            case FrameReader.Rejected r -> switchboard.reject(connection, r.code(), r.message(), r.id());
            case FrameReader.Header(RoutingHeader h) -> {
                switch (h.type()) {
                    case "ping" -> connection.send(RelayFrames.PONG);
                    case "register" -> {
                        if (blockingWork == null) {
                            register(h);
                        } else {
                            blockingWork.accept(() -> {
                                try {
                                    register(h);
                                } catch (RuntimeException e) {
                                    LOG.log(Level.WARNING, "register failed on {0}: {1}", connection,
                                            e.getClass().getName());
                                    switchboard.reject(connection, ErrorCode.INTERNAL,
                                            "the relay could not handle this frame", null);
                                }
                            });
                        }
                    }
                    default -> {
                        if (connection.deviceId() == null) {
                            switchboard.reject(connection, ErrorCode.NOT_REGISTERED,
                                    "send register with your device_id first", h.id());
                        } else {
                            switchboard.route(connection, h, text);
                        }
                    }
                }
            }
        }
    }

    /** Checks the device's token (with the KMS, unless cached) and binds the connection to it. */
    private void register(RoutingHeader h) {
        switchboard.register(connection, h);
        if (connection.deviceId() != null) {
            rate = switchboard.deviceRate(connection.deviceId());
        }
    }

    /** Counts a message against the rate; false when it must not be processed. */
    private boolean admitted() {
        switchboard.stats().framesIn.increment();
        if (!connection.isOpen()) {
            // Replaced or cut: whatever is still in flight from this client is dropped.
            return false;
        }
        switch (rate.admit()) {
            case ACCEPT -> {
                return true;
            }
            case REJECT -> {
                switchboard.reject(connection, ErrorCode.RATE_LIMITED, "more than " + limits.ratePerSecond()
                        + " frames per second; this frame was dropped", null);
                return false;
            }
            default -> {
                LOG.log(Level.INFO, "closing {0}: it keeps sending far above the rate limit", connection);
                connection.closeWith(RelayFrames.error(ErrorCode.RATE_LIMITED,
                        "flooding: connection closed", null), CloseCode.POLICY, "rate limit exceeded");
                switchboard.closed(connection);
                return false;
            }
        }
    }

    /** Collects fragments; returns the whole message at the last one, or null (pending or too large). */
    private String assemble(String part, boolean last) {
        if (fragments == null) {
            fragments = new StringBuilder();
            fragmentsTooLarge = false;
        }
        if (!fragmentsTooLarge) {
            if (fragments.length() + part.length() > limits.maxFrameBytes()) {
                // Keep counting nothing more: the message is rejected as a whole at its end.
                fragmentsTooLarge = true;
                fragments.setLength(0);
            } else {
                fragments.append(part);
            }
        }
        if (!last) {
            return null;
        }
        String whole = fragments.toString();
        boolean tooLarge = fragmentsTooLarge;
        fragments = null;
        if (tooLarge) {
            if (admitted()) {
                switchboard.reject(connection, ErrorCode.FRAME_TOO_LARGE,
                        "frame exceeds " + limits.maxFrameBytes() + " bytes", null);
            }
            return null;
        }
        return whole;
    }
}
