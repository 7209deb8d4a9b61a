package qstcs.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile WebSocket client in a closed loop: it sends a worst-case frame, waits for the relay's
 * answer (a pong, or an error such as {@code rate_limited}), and sends the next, so it makes the
 * relay scan as many frames as the relay will take. Registered with a device token, or anonymous.
 * Reconnects a second after the relay closes it.
 */
final class WorstCaseSender implements AutoCloseable {

    private final AtomicLong answered = new AtomicLong();
    private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    WorstCaseSender(HttpClient client, URI relay, String frame, String register) {
        thread = Thread.ofVirtual().start(() -> {
            while (running) {
                LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
                WebSocket ws = null;
                try {
                    ws = client.newWebSocketBuilder().buildAsync(relay, new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                replies.offer(partial.toString());
                                partial.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
                    if (register != null) {
                        ws.sendText(register, true).get(10, TimeUnit.SECONDS);
                        replies.poll(10, TimeUnit.SECONDS);
                    }
                    while (running && !ws.isInputClosed()) {
                        ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
                        String reply = replies.poll(5, TimeUnit.SECONDS);
                        if (reply == null) {
                            break;
                        }
                        answered.incrementAndGet();
                        answers.computeIfAbsent(kind(reply), k -> new java.util.concurrent.atomic.LongAdder()).increment();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // closed by the relay (flooding) or refused: come back
                } finally {
                    if (ws != null) {
                        ws.abort();
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** What the relay answered, by kind ({@code pong}, or an error's code), so far. */
    java.util.Map<String, Long> answers() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        answers.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private static String kind(String reply) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"code\":\"([a-z_]+)\"").matcher(reply);
        if (m.find()) {
            return m.group(1);
        }
        m = java.util.regex.Pattern.compile("\"type\":\"([a-z_]+)\"").matcher(reply);
        return m.find() ? m.group(1) : "other";
    }

    /** Frames the relay answered so far. */
    long answered() {
        return answered.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
