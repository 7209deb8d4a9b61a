package qstcs.client;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * An attacker on the path between the clients and the real relay: a WebSocket man-in-the-middle
 * that forwards every frame both ways and may rewrite the frames clients send (e.g. swap the
 * ML-KEM key in {@code kem_init}). Test-only; it is the adversary, not a stand-in for the relay.
 */
final class InterceptingRelayProxy implements AutoCloseable {
    private final WebServer server;
    private final OkHttpClient http = new OkHttpClient();

    InterceptingRelayProxy(String upstreamUrl, UnaryOperator<String> rewriteClientFrame) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/", () -> new Pipe(upstreamUrl, rewriteClientFrame)))
                .build().start();
    }

    String url() {
        return "ws://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
        http.dispatcher().executorService().shutdown();
    }

    /** One client connection and its twin towards the relay. */
    private final class Pipe implements WsListener {
        private final String upstreamUrl;
        private final UnaryOperator<String> rewrite;
        private final CountDownLatch upstreamOpen = new CountDownLatch(1);
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket upstream;

        Pipe(String upstreamUrl, UnaryOperator<String> rewrite) {
            this.upstreamUrl = upstreamUrl;
            this.rewrite = rewrite;
        }

        @Override
        public void onOpen(WsSession client) {
            upstream = http.newWebSocket(new Request.Builder().url(upstreamUrl).build(), new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    upstreamOpen.countDown();
                }

                @Override
                public void onMessage(WebSocket ws, String text) {
                    toClient(() -> client.send(text, true));
                }

                @Override
                public void onClosing(WebSocket ws, int code, String reason) {
                    ws.close(1000, null);
                    toClient(() -> client.close(code, reason));
                }

                @Override
                public void onFailure(WebSocket ws, Throwable t, Response response) {
                    upstreamOpen.countDown();
                    toClient(() -> client.close(1011, "upstream failed"));
                }
            });
        }

        /**
         * Forwards to the client side, which may already be gone when the upstream fails late
         * (the test ended): such an exception on an OkHttp thread would otherwise surface as an
         * uncaught "delayed exception" in whichever TestFX test runs next in this JVM.
         */
        private static void toClient(Runnable forward) {
            try {
                forward.run();
            } catch (RuntimeException gone) {
                // nothing left to forward to
            }
        }

        @Override
        public void onMessage(WsSession client, String text, boolean last) {
            partial.append(text);
            if (!last) {
                return;
            }
            String frame = partial.toString();
            partial.setLength(0);
            try {
                upstreamOpen.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            upstream.send(rewrite.apply(frame));
        }

        @Override
        public void onMessage(WsSession client, BufferData buffer, boolean last) {
        }

        @Override
        public void onClose(WsSession client, int status, String reason) {
            WebSocket u = upstream;
            if (u != null) {
                u.close(1000, null);
            }
        }

        @Override
        public void onError(WsSession client, Throwable t) {
            onClose(client, 1011, "");
        }
    }
}
