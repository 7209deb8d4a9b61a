package qstcs.bench.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS over a {@link SocketChannel} with an {@link SSLEngine}, for the load generator's sockets: the
 * handshake runs while the channel is still blocking, then {@link #read} and {@link #write} move
 * application bytes without blocking. It lets one event-loop thread drive hundreds of {@code wss}
 * connections, as the plain {@code ws} generator does, so the benchmark measures the relay in the
 * configuration users run rather than the client's threads.
 */
final class TlsWire {

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;

    private TlsWire(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
    }

    /** Handshakes as a client of {@code host:port} (the channel must still be blocking). */
    static TlsWire handshake(SocketChannel channel, SSLContext context, String host, int port) throws IOException {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        TlsWire wire = new TlsWire(channel, engine);
        engine.beginHandshake();
        ByteBuffer none = ByteBuffer.allocate(0);
        ByteBuffer sink = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP -> {
                    SSLEngineResult r = engine.wrap(none, wire.netOut);
                    wire.drainBlocking();
                    hs = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    wire.netIn.flip();
                    SSLEngineResult r = engine.unwrap(wire.netIn, sink);
                    wire.netIn.compact();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(wire.netIn) < 0) {
                        throw new IOException("relay closed the connection during the TLS handshake");
                    }
                    hs = r.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                default -> throw new SSLException("unexpected handshake state " + hs);
            }
        }
        return wire;
    }

    /**
     * Encrypts what {@code app} holds (flipped for reading) and writes as much as the socket
     * takes; true when nothing is left pending.
     */
    boolean write(ByteBuffer app) throws IOException {
        while (app.hasRemaining()) {
            if (!flushNet()) {
                return false;
            }
            SSLEngineResult r = engine.wrap(app, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize());
            } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS session closed");
            }
        }
        return flushNet();
    }

    /** Reads what the socket has and decrypts it into {@code app}; -1 at end of stream. */
    int read(ByteBuffer app) throws IOException {
        int n = channel.read(netIn);
        netIn.flip();
        int produced = 0;
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, app);
                produced += r.bytesProduced();
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        // A partial record: compacting makes room (the buffer holds a whole record).
                        return n < 0 && produced == 0 ? -1 : produced;
                    }
                    case BUFFER_OVERFLOW -> {
                        // The caller drains or grows app; non-zero so that it reads again at once,
                        // since the records still here will not wake its selector.
                        return Math.max(produced, 1);
                    }
                    case CLOSED -> {
                        return produced == 0 ? -1 : produced;
                    }
                    default -> {
                        // OK: a record decrypted (or a post-handshake message such as a ticket)
                    }
                }
            }
        } finally {
            netIn.compact();
        }
        return n < 0 && produced == 0 ? -1 : produced;
    }

    private boolean flushNet() throws IOException {
        netOut.flip();
        try {
            channel.write(netOut);
            return !netOut.hasRemaining();
        } finally {
            netOut.compact();
        }
    }

    private void drainBlocking() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        netOut.clear();
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, atLeast));
        b.flip();
        bigger.put(b);
        return bigger;
    }
}
