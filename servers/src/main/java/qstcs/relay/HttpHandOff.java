package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP request the event loop does not answer itself ({@code GET /stats}, {@code /observe/…},
 * anything that is not a WebSocket upgrade of {@code /}): its bytes go to the relay's HTTP routes
 * on a loopback port and the answer comes back through the client's socket. The routes stay one
 * implementation (Helidon's, as on {@code --io helidon}); the request asks for the connection to
 * close after the response, so a hand-off carries one request. Two virtual threads per request:
 * such requests are occasional (the console's figures), never on the chat path.
 */
final class HttpHandOff {

    /** Request body bytes the relay forwards at most (its routes take none). */
    private static final long MAX_FORWARD = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final LoopSocket client;
    private final LinkedBlockingQueue<byte[]> toRoutes = new LinkedBlockingQueue<>();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile Socket upstream;

    private HttpHandOff(LoopSocket client) {
        this.client = client;
    }

    /** Starts forwarding {@code head} (and {@code rest}, bytes that followed it) to {@code routes}. */
    static HttpHandOff start(LoopSocket client, InetSocketAddress routes, byte[] head, byte[] rest) {
        HttpHandOff h = new HttpHandOff(client);
        h.toRoutes.add(head);
        if (rest.length > 0) {
            h.forward(rest);
        }
        Thread.ofVirtual().name("relay-http").start(() -> h.run(routes));
        return h;
    }

    /** More bytes from the client (a request body); the hand-off ends the client if it sends too many. */
    void forward(byte[] bytes) {
        if (forwarded.addAndGet(bytes.length) > MAX_FORWARD) {
            close();
            return;
        }
        toRoutes.add(bytes);
    }

    /** The client is gone: stop. */
    void close() {
        toRoutes.add(END);
        Socket s = upstream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void run(InetSocketAddress routes) {
        try (Socket s = new Socket()) {
            upstream = s;
            s.connect(routes, 5000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            Thread.ofVirtual().name("relay-http-body").start(() -> {
                try {
                    while (true) {
                        byte[] b = toRoutes.take();
                        if (b == END) {
                            return;
                        }
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // The routes closed the connection after their answer.
                }
            });
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[16 * 1024];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (!client.sendRaw(Arrays.copyOf(chunk, n))) {
                    break;
                }
            }
        } catch (IOException e) {
            // The routes are local: a failure here ends the client's connection below.
        } finally {
            toRoutes.add(END);
            client.endOutput();
        }
    }
}
