package qstcs.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Idle connections as legitimate clients leave them: each finishes its TLS handshake (where there
 * is TLS) and one request — {@code GET /link_status} on the KMS, a WebSocket upgrade answered by a
 * ping/pong on the relay — and then sends nothing (on the KMS, which closes a connection after
 * 10 s without a request, it asks again every 5 s, as a polling client would). Each runs on a
 * virtual thread that blocks on its socket until the server closes it, so {@link #open()} is what
 * the server still holds.
 * Connections come from several loopback source addresses ({@code perSource} each), since the
 * servers limit what one address may hold.
 */
final class HeldConnections implements AutoCloseable {

    /** What a connection does before it falls silent. */
    enum Kind { KMS_REQUEST, RELAY_SESSION }

    private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.US_ASCII);

    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();

    /**
     * Opens {@code total} connections to 127.0.0.1:{@code port}, taking the sources in turn, at
     * most 256 being set up at once and at most 16 per source (a client that opens more at once
     * than the servers let one address leave unfinished, 32, has its oldest cut), and returns once
     * every attempt was served or failed (a connect or set-up that takes longer than
     * {@code setupMillis} fails: the listener is full and the attempt waits in its backlog).
     */
    HeldConnections(Kind kind, int port, SSLContext tls, List<InetAddress> sources, int total, int setupMillis)
            throws InterruptedException {
        Semaphore settingUp = new Semaphore(256);
        Semaphore[] perSource = new Semaphore[sources.size()];
        for (int i = 0; i < perSource.length; i++) {
            perSource[i] = new Semaphore(16);
        }
        for (int i = 0; i < total; i++) {
            int source = i % sources.size();
            perSource[source].acquire();
            settingUp.acquire();
            Semaphore own = perSource[source];
            Thread.ofVirtual().start(() -> {
                try {
                    hold(kind, port, tls, sources.get(source), setupMillis, () -> {
                        own.release();
                        settingUp.release();
                    });
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
            });
        }
        settingUp.acquire(256); // every attempt has been served or has failed
        settingUp.release(256);
    }

    private void hold(Kind kind, int port, SSLContext tls, InetAddress source, int setupMillis, Runnable setUp) {
        Socket s = null;
        boolean released = false;
        try {
            Socket plain = new Socket();
            s = plain;
            plain.bind(new InetSocketAddress(source, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", port), setupMillis);
            plain.setSoTimeout(setupMillis);
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
                s = secure;
                secure.startHandshake();
            }
            sockets.add(s);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (kind == Kind.KMS_REQUEST) {
                out.write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readHttpReply(in);
            } else {
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!readHead(in).startsWith("HTTP/1.1 101")) {
                    throw new IOException("no upgrade");
                }
                out.write(maskedText(PING));
                out.flush();
                if (!readTextFrame(in).contains("pong")) {
                    throw new IOException("no pong");
                }
            }
            served.incrementAndGet();
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
            setUp.run();
            released = true;
            if (kind == Kind.KMS_REQUEST) {
                // The KMS closes a connection without a request for 10 s: ask again every 5 s or so.
                s.setSoTimeout(10_000);
                while (true) {
                    Thread.sleep(4500 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1000));
                    out.write("GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    readHttpReply(in);
                }
            }
            s.setSoTimeout(0);
            while (in.read() >= 0) {
                // idle: nothing arrives until the server closes the connection
            }
            open.decrementAndGet();
        } catch (IOException | InterruptedException e) {
            if (released) {
                open.decrementAndGet();
            } else {
                failed.incrementAndGet();
            }
        } finally {
            if (!released) {
                setUp.run();
            }
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
    }

    /** Connections still open now. */
    int open() {
        return open.get();
    }

    /** The most that were open at once. */
    int peak() {
        return peak.get();
    }

    int served() {
        return served.get();
    }

    int failed() {
        return failed.get();
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the reply head");
            }
            head.append((char) c);
        }
        return head.toString();
    }

    private static void readHttpReply(InputStream in) throws IOException {
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("answered " + head.lines().findFirst().orElse(""));
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("short body");
        }
    }

    private static byte[] maskedText(byte[] payload) {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    private static String readTextFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new IOException("closed before a frame");
        }
        int length = b1 & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        }
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
