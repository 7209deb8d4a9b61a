package qstcs.guard;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A WebSocket to the relay from the client namespace, through the router: what a soldier's chat
 * window holds open. It uses the relay's {@code ping}/{@code pong} frames as the round trip that
 * shows whether data still passes.
 */
final class ChatConnection implements AutoCloseable {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private ChatConnection(OkHttpClient http, String url) {
        this.socket = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws, Response response) {
                events.add("open");
            }

            @Override
            public void onMessage(WebSocket ws, String text) {
                events.add(text);
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                events.add("closing " + code);
            }

            @Override
            public void onFailure(WebSocket ws, Throwable t, Response response) {
                events.add("failure " + t);
            }
        });
    }

    /** Opens a connection from the client namespace; fails the test unless it opens in time. */
    static ChatConnection open(RouterLab lab) {
        OkHttpClient http = new OkHttpClient.Builder()
                .socketFactory(new NamespaceSocketFactory(lab.thread(lab.client)))
                .connectTimeout(3, TimeUnit.SECONDS).pingInterval(0, TimeUnit.SECONDS).build();
        ChatConnection c = new ChatConnection(http, "ws://" + RouterLab.SERVER_IP + ":" + LabServers.CHAT_PORT + "/");
        String first = c.next(10_000);
        if (!"open".equals(first)) {
            c.close();
            throw new AssertionError("WebSocket to the relay did not open: " + first);
        }
        return c;
    }

    /** Sends a relay ping and waits for the pong; false when none arrives within {@code millis}. */
    boolean pingPong(long millis) {
        if (!socket.send("{\"type\":\"ping\"}")) {
            return false;
        }
        long deadline = System.currentTimeMillis() + millis;
        for (String e; (e = next(deadline - System.currentTimeMillis())) != null; ) {
            if (e.contains("\"pong\"")) {
                return true;
            }
            if (e.startsWith("closing") || e.startsWith("failure")) {
                throw new AssertionError("chat connection ended instead of staying silent: " + e);
            }
        }
        return false;
    }

    private String next(long millis) {
        try {
            return millis <= 0 ? events.poll() : events.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        socket.cancel();
    }
}
