package qstcs.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real OkHttp WebSocket client for tests (the same client the apps use): it records every text
 * frame received, the close code, and a failure if the connection broke.
 */
final class WsTestClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * One client for every relay test in this JVM (no read timeout: sessions idle between
     * frames). Its threads and pool live until the test JVM exits, like any shared client.
     */
    static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    /** Completes with the close code the server sent (onClosing), or -1 when the socket failed. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Response> failure = new CompletableFuture<>();
    private volatile long closedAt;
    private final WebSocket socket;

    private WsTestClient(OkHttpClient http, String url) {
        socket = http.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(webSocket);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                received.add(text);
            }

            @Override
            public void onClosing(WebSocket webSocket, int code, String reason) {
                closedAt = System.nanoTime();
                closed.complete(code);
                webSocket.close(1000, null);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                failure.complete(response);
                opened.completeExceptionally(t);
                closed.complete(-1);
            }
        });
    }

    /** Connects and waits for the upgrade. */
    static WsTestClient connect(OkHttpClient http, int port) {
        return connect(http, "ws://127.0.0.1:" + port + "/");
    }

    /** Connects to {@code url} (ws:// or wss://) and waits for the upgrade. */
    static WsTestClient connect(OkHttpClient http, String url) {
        WsTestClient c = new WsTestClient(http, url);
        c.opened.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return c;
    }

    /** Starts connecting without waiting (for tests that expect the upgrade to fail). */
    static WsTestClient attempt(OkHttpClient http, String url) {
        return new WsTestClient(http, url);
    }

    /** Connects, registers and waits for {@code registered}. */
    static WsTestClient register(OkHttpClient http, int port, String deviceId) {
        WsTestClient c = connect(http, port);
        c.send("{\"type\":\"register\",\"device_id\":\"" + deviceId + "\"}");
        JsonNode r = c.next("registered");
        assertEquals(deviceId, r.get("device_id").asText());
        return c;
    }

    void send(String text) {
        if (!socket.send(text)) {
            fail("send refused: socket closed");
        }
    }

    WebSocket socket() {
        return socket;
    }

    /** The next frame as text, or fails after the wait. */
    String nextText() {
        try {
            String s = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(s, "no frame within " + WAIT);
            return s;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Skips frames until one of {@code type} arrives (presence frames are skipped silently). */
    JsonNode next(String type) {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String s = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (s == null) {
                    break;
                }
                JsonNode n = JSON.readTree(s);
                if (type.equals(n.path("type").asText())) {
                    return n;
                }
                skipped.add(s);
            } catch (InterruptedException | java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no '" + type + "' frame within " + WAIT + "; got " + skipped);
    }

    /** Skips frames until one with this {@code id} arrives. */
    JsonNode nextWithId(String id) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String s = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (s == null) {
                    break;
                }
                JsonNode n = JSON.readTree(s);
                if (id.equals(n.path("id").asText())) {
                    return n;
                }
            } catch (InterruptedException | java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no frame with id " + id + " within " + WAIT);
    }

    /** The next error frame; asserts its code. */
    JsonNode error(ErrorCode code) {
        JsonNode e = next("error");
        assertEquals(code.wire(), e.get("code").asText(), e.toString());
        return e;
    }

    /** Waits until nothing arrives for {@code quiet}; returns what did arrive. */
    List<String> drain(Duration quiet) {
        List<String> out = new ArrayList<>();
        try {
            String s;
            while ((s = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                out.add(s);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** Round trip proving the connection is open and served: ping, then pong. */
    void assertAlive() {
        send("{\"type\":\"ping\"}");
        next("pong");
    }

    /** {@link System#nanoTime()} when the server's close frame arrived. */
    long closedAtNanos() {
        closeCode();
        return closedAt;
    }

    int closeCode() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        socket.cancel();
    }

    static String chat(String id, String sender, String recipient, String body) {
        return "{\"type\":\"chat\",\"id\":\"" + id + "\",\"sender\":\"" + sender + "\",\"recipient\":\"" + recipient
                + "\",\"key_id\":\"k1\",\"seq\":1,\"timestamp\":1700000000,\"nonce\":\"000102030405060708090a0b\","
                + "\"ciphertext\":\"" + body + "\"}";
    }
}
