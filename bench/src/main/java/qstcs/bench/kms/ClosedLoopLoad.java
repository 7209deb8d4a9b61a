package qstcs.bench.kms;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The load generator: N keep-alive HTTP/1.1 connections (plain or TLS), each a closed loop
 * (send a request, read the whole reply, send the next), all driven by ONE thread with a
 * {@link Selector} and non-blocking {@link SSLEngine}s.
 *
 * <p>Why one thread: on a 2-core machine, 16 blocking client threads compete with the server's
 * carrier threads for the cores; the OS then lets a few connections run while others wait a
 * whole scheduling slice (milliseconds), which inflated the p99 and made the load unfair
 * (per-connection counts differed 3×). A selector loop serves whichever connection has its
 * reply, in arrival order, and costs one read and one write system call per request. Latency is
 * measured per request from just before its bytes are written to when its last byte is read, so
 * time a reply waits for this loop counts against the server, not for it.
 */
final class ClosedLoopLoad {
    private final InetSocketAddress address;
    private final SSLContext tls;

    /** {@code tls} null: plain HTTP. Otherwise the server certificate is checked for "127.0.0.1". */
    ClosedLoopLoad(InetSocketAddress address, SSLContext tls) {
        this.address = address;
        this.tls = tls;
    }

    /**
     * Per-connection results of one run, and replies completed in each whole second of it (the
     * ramp shows whether the server was still warming up, e.g. its JIT compiling).
     */
    record Outcome(long[][] latencies, long[] errors, long[] perSecond) {
    }

    /** Replies completed per second since the clock started; touched only by the loop thread. */
    private long[] perSecond = new long[64];
    private long startedAt;

    /**
     * Opens {@code requests.length} connections (TLS handshakes done first), then runs every one
     * as a closed loop until {@code endNanos}; {@code onReady} runs once all are connected and
     * returns the end time (so the caller starts its clocks only after the handshakes).
     */
    Outcome run(byte[][] requests, java.util.function.LongSupplier onReady) throws IOException {
        int n = requests.length;
        List<Connection> connections = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int c = 0; c < n; c++) {
                connections.add(new Connection(c, open(), requests[c]));
            }
            for (Connection c : connections) {
                c.channel.configureBlocking(false);
                c.key = c.channel.register(selector, 0, c);
            }
            long end = onReady.getAsLong();
            startedAt = System.nanoTime();
            int running = n;
            for (Connection c : connections) {
                c.send();
            }
            while (running > 0) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (!c.done && c.onReadable()) {
                        if (System.nanoTime() >= end) {
                            c.done = true;
                            c.key.interestOps(0);
                            running--;
                        } else {
                            c.send();
                        }
                    } else if (c.done && c.failed) {
                        running--;
                        c.failed = false;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (Connection c : connections) {
                c.channel.close();
            }
        }
        long[][] latencies = new long[n][];
        long[] errors = new long[n];
        for (Connection c : connections) {
            latencies[c.index] = Arrays.copyOf(c.latencies, c.count);
            errors[c.index] = c.errors;
        }
        int seconds = (int) Math.min(perSecond.length, (System.nanoTime() - startedAt) / 1_000_000_000L);
        return new Outcome(latencies, errors, Arrays.copyOf(perSecond, seconds));
    }

    private SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open(address);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return ch;
    }

    /** One keep-alive connection and its TLS state; touched only by the loop thread. */
    private final class Connection {
        final int index;
        final SocketChannel channel;
        final SSLEngine engine;
        final ByteBuffer request;
        /** Bytes read from the socket, not yet decrypted (TLS only). */
        final ByteBuffer netIn;
        /** Encrypted bytes to write (TLS only). */
        final ByteBuffer netOut;
        /** The reply so far, as plain HTTP bytes. */
        ByteBuffer reply;
        SelectionKey key;
        long[] latencies = new long[1 << 16];
        int count;
        long errors;
        long sentAt;
        boolean done;
        boolean failed;

        Connection(int index, SocketChannel channel, byte[] request) throws IOException {
            this.index = index;
            this.channel = channel;
            this.request = ByteBuffer.wrap(request);
            if (tls == null) {
                engine = null;
                netIn = null;
                netOut = null;
                reply = ByteBuffer.allocate(64 * 1024);
            } else {
                engine = tls.createSSLEngine("127.0.0.1", address.getPort());
                engine.setUseClientMode(true);
                SSLParameters p = engine.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(p);
                netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
                reply = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
                handshake();
            }
        }

        /** A blocking handshake before the loop starts (the channel is still in blocking mode). */
        private void handshake() throws IOException {
            engine.beginHandshake();
            ByteBuffer empty = ByteBuffer.allocate(0);
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        netOut.clear();
                        check(engine.wrap(empty, netOut));
                        netOut.flip();
                        while (netOut.hasRemaining()) {
                            channel.write(netOut);
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult r = engine.unwrap(netIn, reply);
                        netIn.compact();
                        check(r);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(netIn) < 0) {
                            throw new IOException("connection closed during the TLS handshake");
                        }
                    }
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        reply.clear();
                        return;
                    }
                }
            }
        }

        private static void check(SSLEngineResult r) throws SSLException {
            if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                throw new SSLException("TLS " + r.getStatus() + " during the handshake");
            }
        }

        void send() throws IOException {
            reply.clear();
            request.rewind();
            sentAt = System.nanoTime();
            if (engine == null) {
                write(request);
            } else {
                netOut.clear();
                SSLEngineResult r = engine.wrap(request, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("TLS wrap: " + r.getStatus());
                }
                netOut.flip();
                write(netOut);
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        /** Requests are a few hundred bytes: the socket buffer takes them whole; spin if not. */
        private void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        /** Reads what arrived; true when a whole reply is in (then it is counted). */
        boolean onReadable() {
            try {
                if (engine == null) {
                    if (channel.read(reply) < 0) {
                        throw new IOException("connection closed");
                    }
                } else {
                    if (channel.read(netIn) < 0) {
                        throw new IOException("connection closed");
                    }
                    netIn.flip();
                    while (netIn.hasRemaining()) {
                        SSLEngineResult r = engine.unwrap(netIn, reply);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            break;
                        }
                        if (r.getStatus() != SSLEngineResult.Status.OK) {
                            throw new SSLException("TLS unwrap: " + r.getStatus());
                        }
                    }
                    netIn.compact();
                }
                int status = complete(reply);
                if (status < 0) {
                    return false;
                }
                long now = System.nanoTime();
                long t = now - sentAt;
                int second = (int) ((now - startedAt) / 1_000_000_000L);
                if (second >= perSecond.length) {
                    perSecond = Arrays.copyOf(perSecond, second * 2);
                }
                perSecond[second]++;
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = t;
                if (status != 200) {
                    errors++;
                }
                return true;
            } catch (IOException | RuntimeException e) {
                errors++;
                done = true;
                failed = true;
                key.interestOps(0);
                return false;
            }
        }
    }

    /** The reply's status when {@code buf} (written up to its position) holds a whole response, else -1. */
    static int complete(ByteBuffer buf) {
        byte[] a = buf.array();
        int len = buf.position();
        int headerEnd = -1;
        for (int i = 3; i < len; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                headerEnd = i + 1;
                break;
            }
        }
        if (headerEnd < 0) {
            return -1;
        }
        String head = new String(a, 0, headerEnd, StandardCharsets.US_ASCII);
        int contentLength = 0;
        int at = indexOfIgnoreCase(head, "\r\ncontent-length:");
        if (at >= 0) {
            int from = at + "\r\ncontent-length:".length();
            contentLength = Integer.parseInt(head.substring(from, head.indexOf('\r', from)).trim());
        }
        if (len < headerEnd + contentLength) {
            return -1;
        }
        return Integer.parseInt(head, 9, 12, 10);
    }

    private static int indexOfIgnoreCase(String s, String what) {
        for (int i = 0; i + what.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }
}
