package qstcs.relay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading (its OkHttp reader thread is held inside {@code onMessage}) while a
 * sender keeps sending it large frames. The relay must keep the sender going (every frame acked,
 * nothing waits for the stuck client), keep a bystander pair chatting, hold at most the outbound
 * budget for the stuck client, and then drop it; later frames for it are queued offline.
 */
class SlowReaderIT {

    private static final long BUDGET = 256 * 1024;
    /** 32 KB frames, 12 MB in all: far beyond the socket buffers plus the budget. */
    private static final int FRAMES = 400;
    private static final String BODY = "ab".repeat(16 * 1024);

    private static final OkHttpClient http = WsTestClient.HTTP;

    @Test
    void aClientThatStopsReadingIsDroppedWithoutHoldingUpAnyoneElse() throws Exception {
        RelayLimits limits = RelayLimits.DEFAULT.withRate(100_000, 100_000).withOutbound(BUDGET);
        try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests().withLimits(limits))) {
            int port = relay.port();
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> registered = new CompletableFuture<>();
            CompletableFuture<String> ended = new CompletableFuture<>();
            WebSocket slow = http.newWebSocket(new Request.Builder().url("ws://127.0.0.1:" + port + "/").build(),
                    new WebSocketListener() {
                        @Override
                        public void onMessage(WebSocket ws, String text) {
                            if (text.startsWith("{\"type\":\"registered\"")) {
                                registered.complete(null);
                            } else if (text.contains("\"type\":\"chat\"")) {
                                // Stop reading: OkHttp's only reader thread for this socket waits here.
                                await(release);
                            }
                        }

                        @Override
                        public void onClosing(WebSocket ws, int code, String reason) {
                            ended.complete("closed " + code);
                        }

                        @Override
                        public void onFailure(WebSocket ws, Throwable t, Response response) {
                            ended.complete("failed " + t.getClass().getSimpleName());
                        }
                    });
            slow.send("{\"type\":\"register\",\"device_id\":\"Soldier_Slow\"}");
            registered.get(10, TimeUnit.SECONDS);

            try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
                 WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo");
                 WsTestClient charlie = WsTestClient.register(http, port, "Soldier_Charlie")) {
                int delivered = 0;
                int queued = 0;
                for (int i = 0; i < FRAMES; i++) {
                    alpha.send(WsTestClient.chat("s" + i, "Soldier_Alpha", "Soldier_Slow", BODY));
                    if (i % 16 == 15) {
                        // The sender is never held up: its acks keep coming while the client is stuck.
                        for (int k = 0; k < 16; k++) {
                            JsonNode ack = alpha.next("ack");
                            if ("delivered".equals(ack.get("status").asText())) {
                                delivered++;
                            } else {
                                queued++;
                            }
                        }
                        // And other clients are not held up either.
                        bravo.send(WsTestClient.chat("bc" + i, "Soldier_Bravo", "Soldier_Charlie", "01"));
                        charlie.nextWithId("bc" + i);
                    }
                }
                assertEquals(FRAMES, delivered + queued);
                assertEquals(1, relay.switchboard().stats().slowClosed.sum(), "the stuck client was not dropped");
                // Once dropped, it is offline: later frames are queued for its next register.
                assertTrue(queued > 0, "no frame was queued after the stuck client was dropped");
                assertTrue(delivered < FRAMES, "every frame counted as delivered to a client that reads nothing");
                assertTrue(relay.switchboard().online().stream().noneMatch("Soldier_Slow"::equals));
                // The socket is cut even though the client never reads its close frame.
                Await.until("the stuck connection is cut", () -> relay.switchboard().openConnections() == 3);
            } finally {
                release.countDown();
            }
            String end = ended.get(10, TimeUnit.SECONDS);
            assertTrue(end.startsWith("closed 1008") || end.startsWith("failed"), end);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
