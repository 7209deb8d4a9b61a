package qstcs.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import qstcs.crypto.seal.FrameSealer;

/**
 * One enrolled device on the relay: a {@code wss} session registered with its own token, the pair
 * keys it holds (fetched from the KMS by id when a frame arrives under a key it does not know yet),
 * and the frames it receives. Frames are sent one at a time: the JDK's WebSocket allows one
 * outstanding send.
 */
final class ChatDevice {

    final String id;
    final String token;
    private final KmsClient kms;
    private final HttpClient wsClient;
    private final URI relay;
    private final Map<String, FrameSealer> keys = new ConcurrentHashMap<>();
    private volatile WebSocket session;
    private volatile CompletableFuture<Integer> closed = CompletableFuture.completedFuture(0);

    ChatDevice(String id, String token, KmsClient kms, HttpClient wsClient, URI relay) {
        this.id = id;
        this.token = token;
        this.kms = kms;
        this.wsClient = wsClient;
        this.relay = relay;
    }

    /**
     * Opens a session and registers; true once the relay answered {@code registered}, false when
     * it refused (e.g. the link is RED: it answers with {@code link} and closes with 4403).
     */
    boolean connect(Consumer<String> onText) throws InterruptedException {
        CompletableFuture<Boolean> registered = new CompletableFuture<>();
        CompletableFuture<Integer> closing = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    if (text.startsWith("{\"type\":\"registered\"")) {
                        registered.complete(true);
                    } else if (text.startsWith("{\"type\":\"error\"") || text.startsWith("{\"type\":\"link\"")) {
                        registered.complete(false);
                    }
                    onText.accept(text);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                registered.complete(false);
                closing.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                registered.complete(false);
                closing.complete(-1);
            }
        };
        try {
            WebSocket ws = wsClient.newWebSocketBuilder().buildAsync(relay, listener).get(10, TimeUnit.SECONDS);
            closed = closing;
            session = ws;
            ws.sendText("{\"type\":\"register\",\"device_id\":\"" + id + "\",\"token\":\"" + token + "\"}", true)
                    .get(10, TimeUnit.SECONDS);
            if (registered.get(10, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // refused or unreachable: the caller retries
        }
        abort();
        return false;
    }

    boolean online() {
        return session != null && !closed.isDone();
    }

    /** The close code the relay sent (or -1 for a broken connection), once the session ended. */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    synchronized void send(String frame) throws Exception {
        WebSocket ws = session;
        if (ws == null) {
            throw new IllegalStateException(id + " has no session");
        }
        ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
    }

    /** Asks the KMS for the pair key with {@code peer}; null while the link is RED. */
    FrameSealer pairKey(String peer, java.util.function.LongConsumer timing) throws Exception {
        FrameSealer k = kms.pairKey(id, token, peer, timing);
        if (k == null) {
            return null;
        }
        FrameSealer held = keys.putIfAbsent(k.keyId(), k);
        if (held != null) {
            k.destroy(); // the same key, already held
            return held;
        }
        return k;
    }

    /** The key a received frame names, from the KMS when this device has not seen it yet (null: refused). */
    FrameSealer key(String keyId) throws Exception {
        FrameSealer k = keys.get(keyId);
        if (k == null) {
            k = kms.keyById(keyId, token);
            if (k != null) {
                FrameSealer held = keys.putIfAbsent(keyId, k);
                if (held != null) {
                    k.destroy();
                    k = held;
                }
            }
        }
        return k;
    }

    /** Forgets every key (the link turned RED: the KMS revoked them all). */
    void forgetKeys() {
        keys.values().forEach(FrameSealer::destroy);
        keys.clear();
    }

    void abort() {
        WebSocket ws = session;
        session = null;
        if (ws != null) {
            ws.abort();
        }
    }
}
