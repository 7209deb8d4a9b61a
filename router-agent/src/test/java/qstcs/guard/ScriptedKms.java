package qstcs.guard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile stand-in for the KMS in the server namespace: answers every HTTP request on its port
 * with one fixed, raw response (a forged body, a redirect), the way a spoofed or compromised host
 * on the router's network could. Counts the requests it got.
 */
final class ScriptedKms implements AutoCloseable {
    private final ServerSocketChannel server;
    private final byte[] response;
    private final AtomicInteger requests = new AtomicInteger();

    private ScriptedKms(ServerSocketChannel server, String response) {
        this.server = server;
        this.response = response.getBytes(StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("scripted-kms").start(this::serve);
    }

    /** Listens on {@code SERVER_IP:port} and answers with {@code status} plus headers and body. */
    static ScriptedKms start(RouterLab lab, int port, String statusLine, String headers, String body) {
        String raw = statusLine + "\r\n" + headers + "Content-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
        ServerSocketChannel ch = lab.thread(lab.server).call(() -> {
            ServerSocketChannel c = ServerSocketChannel.open();
            c.bind(new InetSocketAddress(RouterLab.SERVER_IP, port));
            return c;
        });
        return new ScriptedKms(ch, raw);
    }

    int requests() {
        return requests.get();
    }

    private void serve() {
        while (server.isOpen()) {
            try (Socket s = server.accept().socket()) {
                readHead(s.getInputStream());
                requests.incrementAndGet();
                s.getOutputStream().write(response);
            } catch (IOException e) {
                // closed, or the client went away: next connection
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && head.size() < 16_384) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
