package qstcs.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import qstcs.server.http.ConnectionGate;

/**
 * The relay's listener on its own event loop ({@code --io loop}): non-blocking sockets, TLS
 * through {@link SSLEngine}, the WebSocket upgrade and RFC 6455 framing, all on a few
 * {@link SelectorLoop} threads that read, route and write without handing frames to other
 * threads. A connection borrows read and write buffers only while it has bytes in flight, so an
 * idle one holds none; what all of them borrow at once is bounded ({@link BufferLoans}).
 * Requests that are not a WebSocket upgrade of {@code /} go to the relay's
 * HTTP routes, served by Helidon on a loopback port ({@link HttpHandOff}).
 */
final class LoopTransport implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LoopTransport.class.getName());

    private final ServerSocketChannel server;
    private final SelectorLoop[] loops;
    private final SSLContext tls;
    private final SSLParameters tlsParameters;
    private final Switchboard switchboard;
    private final ConnectionGate gate;
    private final InetSocketAddress httpRoutes;
    private final Duration idleTimeout;
    private final Duration idleSweep;
    private final int bufferBytes;
    private final Duration wakePause;
    private int nextLoop;

    private LoopTransport(ServerSocketChannel server, int threads, SSLContext tls, SSLParameters tlsParameters,
                          Switchboard switchboard, ConnectionGate gate, InetSocketAddress httpRoutes,
                          Duration idleTimeout, Duration idleSweep, Duration wakePause, long lentBudget)
            throws IOException {
        this.server = server;
        this.wakePause = wakePause;
        this.tls = tls;
        this.tlsParameters = tls == null ? null : http11(tls, tlsParameters);
        this.switchboard = switchboard;
        this.gate = gate;
        this.httpRoutes = httpRoutes;
        this.idleTimeout = idleTimeout;
        this.idleSweep = idleSweep;
        int size = 17 * 1024;
        if (tls != null) {
            SSLEngine probe = engine();
            size = Math.max(size, Math.max(probe.getSession().getPacketBufferSize(),
                    probe.getSession().getApplicationBufferSize()));
        }
        this.bufferBytes = size;
        this.loops = new SelectorLoop[threads];
        // The port in the name tells the loops of several relays in one JVM (tests) apart in a thread dump.
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        for (int i = 0; i < threads; i++) {
            loops[i] = new SelectorLoop(this, "relay-loop-" + i + "@" + port, Math.max(1, lentBudget / threads));
        }
    }

    /**
     * Listens on {@code bind:port} and starts the loop threads.
     *
     * @param tls        the server's TLS context, or null for plain {@code ws://}
     * @param httpRoutes where the relay's HTTP routes are served (loopback)
     * @param wakePause  the longest pause of a loop gathering frames ({@link WakeModeration})
     * @param lentBudget bytes the loops lend their connections at most at once, shared evenly among them
     */
    static LoopTransport start(String bind, int port, int threads, SSLContext tls, SSLParameters tlsParameters,
                               Switchboard switchboard, ConnectionGate gate, InetSocketAddress httpRoutes,
                               Duration idleTimeout, Duration idleSweep, Duration wakePause, long lentBudget)
            throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bind, port), 1024);
            server.configureBlocking(false);
            LoopTransport t = new LoopTransport(server, threads, tls, tlsParameters, switchboard, gate, httpRoutes,
                    idleTimeout, idleSweep, wakePause, lentBudget);
            server.register(t.loops[0].selector, SelectionKey.OP_ACCEPT);
            for (SelectorLoop loop : t.loops) {
                loop.thread.start();
            }
            return t;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * {@code base} offering only HTTP/1.1 by ALPN: the loop speaks HTTP/1.1 (the WebSocket upgrade,
     * and the requests it passes to the routes); a client that can do HTTP/2 would otherwise be
     * told to, and its HTTP/2 preface is no request head.
     */
    private static SSLParameters http11(SSLContext tls, SSLParameters base) {
        SSLEngine probe = tls.createSSLEngine();
        probe.setSSLParameters(base);
        SSLParameters p = probe.getSSLParameters();
        p.setApplicationProtocols(new String[] {"http/1.1"});
        return p;
    }

    int port() {
        return server.socket().getLocalPort();
    }

    int bufferBytes() {
        return bufferBytes;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Duration idleSweep() {
        return idleSweep;
    }

    /** The longest pause of a loop gathering frames before it looks at its sockets again ({@link WakeModeration}). */
    Duration wakePause() {
        return wakePause;
    }

    Switchboard switchboard() {
        return switchboard;
    }

    ConnectionGate gate() {
        return gate;
    }

    InetSocketAddress httpRoutes() {
        return httpRoutes;
    }

    SSLEngine engine() {
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(tlsParameters);
        return engine;
    }

    /** Accepts every waiting connection (on loop 0's thread) and gives each to a loop. */
    void acceptAll() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "accept failed: {0}", e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                // Chat frames are small and latency matters: no waiting for the peer's delayed ACK.
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            if (!gate.accepted(ch)) {
                // Its address or the listener is full: closed before any TLS handshake, so a flood
                // past the cap costs the loop an accept and a close, and the client sees its
                // connection end at once.
                closeQuietly(ch);
                continue;
            }
            SelectorLoop loop = loops[nextLoop];
            nextLoop = (nextLoop + 1) % loops.length;
            if (loop.inLoop()) {
                LoopSocket.open(loop, ch, tls != null ? engine() : null);
            } else {
                SSLEngine engine = tls != null ? engine() : null;
                loop.execute(() -> LoopSocket.open(loop, ch, engine));
            }
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Stops accepting, writes what is queued (the close frames of a shutdown), closes every socket. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (SelectorLoop loop : loops) {
            loop.stop();
        }
        for (SelectorLoop loop : loops) {
            try {
                loop.thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
