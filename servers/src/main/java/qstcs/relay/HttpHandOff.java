package qstcs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP request the event loop does not answer itself ({@code GET /stats}, {@code /observe/…},
 * anything that is not a WebSocket upgrade of {@code /}): its bytes go to the relay's HTTP routes
 * on a loopback port and the answer comes back through the client's socket. The routes stay one
 * implementation (Helidon's, as on {@code --io helidon}); the request asks for the connection to
 * close after the response, so a hand-off carries one request, and the relay half-closes its side
 * towards the routes after the request (which makes them close after answering: the client's TLS
 * close waits for the relay's close_notify, which follows that). Only bytes that arrived with the
 * head are forwarded; the relay's routes take no request body. One virtual thread per request:
 * such requests are occasional (the console's figures), never on the chat path.
 */
final class HttpHandOff {

    /** Bytes a client may send after its request head before the relay ends its connection. */
    private static final long MAX_FORWARD = 64 * 1024;

    private final LoopSocket client;
    private final AtomicLong forwarded = new AtomicLong();
    private volatile Socket upstream;

    private HttpHandOff(LoopSocket client) {
        this.client = client;
    }

    /** Starts forwarding {@code head} (and {@code rest}, bytes that followed it) to {@code routes}. */
    static HttpHandOff start(LoopSocket client, InetSocketAddress routes, byte[] head, byte[] rest) {
        HttpHandOff h = new HttpHandOff(client);
        byte[] request = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, request, head.length, rest.length);
        Thread.ofVirtual().name("relay-http").start(() -> h.run(routes, request));
        return h;
    }

    /** More bytes from the client after its head: not forwarded; too many end the hand-off. */
    void forward(byte[] bytes) {
        if (forwarded.addAndGet(bytes.length) > MAX_FORWARD) {
            close();
        }
    }

    /** The client is gone: stop. */
    void close() {
        Socket s = upstream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void run(InetSocketAddress routes, byte[] request) {
        try (Socket s = new Socket()) {
            upstream = s;
            s.connect(routes, 5000);
            s.setTcpNoDelay(true);
            // Without an answer within this the client's connection ends rather than wait forever.
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            s.shutdownOutput();
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
            client.endOutput();
        }
    }
}
