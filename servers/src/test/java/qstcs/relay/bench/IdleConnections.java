package qstcs.relay.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Thousands of registered, silent connections. They use the JDK's asynchronous WebSocket client:
 * one selector thread for all of them, where OkHttp would hold a thread per connection.
 */
final class IdleConnections implements AutoCloseable {

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WebSocket> sockets = new ArrayList<>();

    /** Opens {@code count} connections and registers each under a unique id; returns when all are. */
    IdleConnections(int port, int count) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/");
        Semaphore opening = new Semaphore(256);
        List<CompletableFuture<WebSocket>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opening.acquire();
            String id = "idle_" + i;
            CompletableFuture<WebSocket> registered = new CompletableFuture<>();
            http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    if (data.toString().startsWith("{\"type\":\"registered\"")) {
                        registered.complete(ws);
                    }
                    ws.request(1);
                    return null;
                }
            }).thenCompose(ws -> ws.sendText("{\"type\":\"register\",\"device_id\":\"" + id + "\"}", true))
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            registered.completeExceptionally(e);
                        }
                    });
            registered.whenComplete((ws, e) -> opening.release());
            all.add(registered);
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
