package qstcs.bench.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * Thousands of silent connections, each proven served by one ping/pong. They do not register:
 * every register is announced to every registered device and answered with the full online
 * list, so registering 10,000 devices is 10^8 presence frames, which measures the protocol's
 * fan-out, not what an idle connection costs. They use the JDK's asynchronous WebSocket client:
 * one selector thread for all of them, where OkHttp would hold a thread per connection.
 */
final class IdleConnections implements AutoCloseable {

    private final HttpClient http;
    private final List<WebSocket> sockets = new ArrayList<>();

    /**
     * Opens {@code count} connections ({@code wss} pinned to {@code tls}, or {@code ws} when it is
     * null) and waits until each has answered a ping.
     */
    IdleConnections(int port, int count, SSLContext tls) throws Exception {
        http = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
        URI uri = URI.create((tls == null ? "ws" : "wss") + "://127.0.0.1:" + port + "/");
        // Few handshakes at a time: each must finish within the relay's 10 s head deadline, also on
        // a loaded machine, and the figure measured is memory, not how fast they open.
        Semaphore opening = new Semaphore(32);
        List<CompletableFuture<WebSocket>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opening.acquire();
            CompletableFuture<WebSocket> answered = new CompletableFuture<>();
            http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (data.toString().startsWith("{\"type\":\"pong\"")) {
                        answered.complete(ws);
                    }
                    ws.request(1);
                    return null;
                }
            }).thenCompose(ws -> ws.sendText("{\"type\":\"ping\"}", true))
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            answered.completeExceptionally(e);
                        }
                    });
            answered.whenComplete((ws, e) -> opening.release());
            all.add(answered);
        }
        for (CompletableFuture<WebSocket> f : all) {
            sockets.add(f.get(60, TimeUnit.SECONDS));
        }
    }

    int count() {
        return sockets.size();
    }

    @Override
    public void close() {
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        http.close();
    }
}
