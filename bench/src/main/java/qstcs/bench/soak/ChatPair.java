package qstcs.bench.soak;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import qstcs.crypto.seal.FrameRejectedException;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.SealedFrame;

/**
 * Two devices chatting through the relay as the chat windows do: {@code a} seals a message under
 * the pair key from the KMS, {@code b} opens it and seals the same text back, {@code a} opens the
 * answer; the round trip is timed from just before {@code a}'s send to the opened answer. After an
 * attack (RED closes both sessions and revokes the keys) both wait, as the chat client does, until
 * the KMS no longer says RED, then reconnect and fetch the new key.
 */
final class ChatPair implements Runnable {

    private static final long ANSWER_TIMEOUT_SECONDS = 5;

    private final ChatDevice a;
    private final ChatDevice b;
    private final KmsClient kms;
    private final LatencyWindow roundTrips;
    private final SoakCounters counters;
    private final long paceMillis;
    private final Map<String, CompletableFuture<Void>> awaiting = new ConcurrentHashMap<>();
    private final AtomicLong seqA = new AtomicLong();
    private final AtomicLong seqB = new AtomicLong();
    private volatile boolean running = true;
    private long sent;

    ChatPair(ChatDevice a, ChatDevice b, KmsClient kms, LatencyWindow roundTrips, SoakCounters counters, long paceMillis) {
        this.a = a;
        this.b = b;
        this.kms = kms;
        this.roundTrips = roundTrips;
        this.counters = counters;
        this.paceMillis = paceMillis;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            converse();
        } finally {
            a.abort();
            b.abort();
        }
    }

    private void converse() {
        FrameSealer key = null;
        while (running) {
            try {
                if (!a.online() || !b.online()) {
                    key = null;
                    reconnect();
                    continue;
                }
                if (key == null) {
                    key = a.pairKey(b.id, n -> { });
                    if (key == null) {
                        Thread.sleep(500); // RED: no key until the operator resets
                        continue;
                    }
                }
                roundTrip(key);
                Thread.sleep(paceMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                key = null;
                if (!counters.duringAttack(System.nanoTime() - 1_000_000_000L, System.nanoTime())) {
                    counters.legitimateErrors.increment();
                    counters.failure(a.id + "/" + b.id + ": " + e);
                }
                sleepQuietly(500);
            }
        }
    }

    private void roundTrip(FrameSealer key) throws Exception {
        String id = a.id + "-" + sent++;
        byte[] text = ("soak message " + id + " — a line of chat of about the usual length, sealed end to end")
                .getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> answered = new CompletableFuture<>();
        awaiting.put("r" + id, answered);
        long start = System.nanoTime();
        try {
            a.send(key.seal(id, a.id, b.id, seqA.getAndIncrement(), System.currentTimeMillis() / 1000, text).toJson());
            answered.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            roundTrips.add(System.nanoTime() - start);
            counters.roundTrips.increment();
        } catch (TimeoutException | java.util.concurrent.ExecutionException | IllegalStateException e) {
            if (counters.duringAttack(start, System.nanoTime())) {
                counters.interrupted.increment();
            } else {
                counters.lost.increment();
                counters.failure("round trip " + id + " unanswered outside an attack (" + e.getClass().getSimpleName() + ")");
            }
        } finally {
            awaiting.remove("r" + id);
        }
    }

    private void reconnect() throws Exception {
        a.abort();
        b.abort();
        a.forgetKeys();
        b.forgetKeys();
        while (running) {
            while (running && kms.linkColour().equals("RED")) {
                Thread.sleep(500); // a breach: the client waits for the operator's reset
            }
            if (b.connect(text -> onText(b, text)) && a.connect(text -> onText(a, text))) {
                return;
            }
            a.abort();
            b.abort();
            Thread.sleep(1000);
        }
    }

    /** Runs off the WebSocket client's thread: opening a frame may first fetch its key from the KMS. */
    private void onText(ChatDevice at, String text) {
        if (!text.startsWith("{\"type\":\"chat\"")) {
            return; // acks, presence, registered, link
        }
        Thread.ofVirtual().start(() -> {
            try {
                SealedFrame frame = SealedFrame.fromJson(text);
                FrameSealer key = at.key(frame.keyId());
                if (key == null) {
                    return; // revoked meanwhile (an attack)
                }
                byte[] plain = key.open(frame);
                if (at == b) {
                    b.send(key.seal("r" + frame.id(), b.id, a.id, seqB.getAndIncrement(),
                            System.currentTimeMillis() / 1000, plain).toJson());
                } else {
                    CompletableFuture<Void> waiting = awaiting.get(frame.id());
                    if (waiting != null) {
                        waiting.complete(null);
                    }
                }
            } catch (FrameRejectedException e) {
                counters.openFailures.increment();
                counters.failure("a frame to " + at.id + " did not open under the key it named");
            } catch (Exception e) {
                if (!counters.duringAttack(System.nanoTime() - 1_000_000_000L, System.nanoTime())) {
                    counters.legitimateErrors.increment();
                    counters.failure(at.id + " could not answer a frame: " + e);
                }
            }
        });
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
