package qstcs.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/**
 * A real Helidon listener on 127.0.0.1 behind a {@link ConnectionGate}, wired as the servers wire
 * theirs (the gate's socket options, its request-line hook and its routing filter first), with one
 * route: {@code GET /ping} answers {@code pong}. Plain TCP, so a test speaks raw HTTP and controls
 * every byte of a head.
 */
final class GatedPingServer implements AutoCloseable {
    /** One whole request head for {@code /ping}. */
    static final byte[] PING = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionGate gate;
    private final WebServer server;

    /** Without a connection cap. */
    GatedPingServer(ConnectionGate.Limits limits) {
        this(limits, 0);
    }

    /** @param maxTcpConnections the listener's connection cap, 0 for none */
    GatedPingServer(ConnectionGate.Limits limits, int maxTcpConnections) {
        gate = new ConnectionGate(limits);
        WebServerConfig.Builder b = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false);
        if (maxTcpConnections > 0) {
            b.maxTcpConnections(maxTcpConnections);
        }
        server = b.connectionOptions(gate.socketOptions(SocketOptions.builder().build()))
                .addProtocol(gate.http1())
                .routing(r -> r.addFilter(gate.filter()).get("/ping", (req, res) -> res.send("pong")))
                .build().start();
    }

    ConnectionGate gate() {
        return gate;
    }

    int port() {
        return server.port();
    }

    /** One request on a new connection from 127.0.0.1; the body of the answer. */
    String ping() {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.getOutputStream().write(PING);
            return readResponseBody(s.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of the next response on {@code s}, read on another thread. */
    static CompletableFuture<String> answerOn(Socket s) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return readResponseBody(s.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Reads one response with a Content-Length body and returns the body. */
    static String readResponseBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection ended inside a response head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
        gate.close();
    }
}
