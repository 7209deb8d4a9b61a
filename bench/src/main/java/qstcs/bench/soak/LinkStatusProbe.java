package qstcs.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Legitimate readers of {@code GET /link_status} from 127.0.0.1 while something else loads the
 * KMS: {@code fresh} threads that each open a new connection per request (as the router guard's
 * BusyBox wget does: connect, TLS handshake where there is TLS, request, close), and one kept-alive
 * connection, opened when the probe is made, asking every 10 ms (as a chat client or the relay
 * does); a kept-alive connection that fails is replaced by a new one. Latency runs from before the
 * connect (fresh) or the write (kept-alive) to the reply's last byte; a request not answered within
 * 15 s counts as failed.
 */
final class LinkStatusProbe {

    private static final int TIMEOUT_MILLIS = 15_000;
    private static final byte[] REQUEST = "GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSING_REQUEST = "GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Percentiles of one kind of request, in milliseconds. */
    record Figures(int answered, long failed, double p50Ms, double p99Ms, double maxMs) {
    }

    private final int port;
    private final SSLContext tls;
    private final LatencyWindow freshLatency = new LatencyWindow();
    private final LatencyWindow keptLatency = new LatencyWindow();
    private final AtomicLong freshFailed = new AtomicLong();
    private final AtomicLong keptFailed = new AtomicLong();
    private final AtomicLong freshMaxNanos = new AtomicLong();
    private final AtomicLong keptMaxNanos = new AtomicLong();

    /** The kept-alive reader's connection, opened now: a client that was connected before a flood began. */
    private Socket kept;

    LinkStatusProbe(int port, SSLContext tls) throws IOException {
        this.port = port;
        this.tls = tls;
        this.kept = connect();
        request(kept.getOutputStream(), kept.getInputStream(), REQUEST);
    }

    /** Runs both kinds for {@code millis}; returns {fresh, kept-alive}. */
    Figures[] run(long millis, int freshThreads) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        Thread[] threads = new Thread[freshThreads + 1];
        for (int t = 0; t < freshThreads; t++) {
            threads[t] = Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try (Socket s = connect()) {
                        request(s.getOutputStream(), s.getInputStream(), CLOSING_REQUEST);
                        long n = System.nanoTime() - start;
                        freshLatency.add(n);
                        freshMaxNanos.accumulateAndGet(n, Math::max);
                    } catch (IOException e) {
                        freshFailed.incrementAndGet();
                    }
                    pause(50);
                }
            });
        }
        threads[freshThreads] = Thread.ofVirtual().start(() -> {
            Socket s = kept;
            while (System.nanoTime() < end) {
                try {
                    if (s == null) {
                        s = connect();
                    }
                    long start = System.nanoTime();
                    request(s.getOutputStream(), s.getInputStream(), REQUEST);
                    long n = System.nanoTime() - start;
                    keptLatency.add(n);
                    keptMaxNanos.accumulateAndGet(n, Math::max);
                } catch (IOException e) {
                    keptFailed.incrementAndGet();
                    close(s);
                    s = null;
                }
                pause(10);
            }
            kept = s;
        });
        for (Thread t : threads) {
            t.join();
        }
        LatencyWindow.Percentiles f = freshLatency.drain();
        LatencyWindow.Percentiles k = keptLatency.drain();
        return new Figures[] {
            new Figures(f.count(), freshFailed.getAndSet(0), f.p50Ms(), f.p99Ms(), freshMaxNanos.getAndSet(0) / 1e6),
            new Figures(k.count(), keptFailed.getAndSet(0), k.p50Ms(), k.p99Ms(), keptMaxNanos.getAndSet(0) / 1e6)};
    }

    private Socket connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            plain.setTcpNoDelay(true);
            if (tls == null) {
                return plain;
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            secure.startHandshake();
            return secure;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    private static void request(OutputStream out, InputStream in, byte[] request) throws IOException {
        out.write(request);
        out.flush();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the reply");
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 200")) {
            throw new IOException("not 200");
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("short body");
        }
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
