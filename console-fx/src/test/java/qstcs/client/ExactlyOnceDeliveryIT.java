package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alpha and Bravo over the real KMS and relay: every message exactly once, in order, with receipts. */
class ExactlyOnceDeliveryIT {
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void aThousandMessagesEachWayArriveOnceInOrder() throws Exception {
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession alpha = servers.session("Soldier_Alpha", a, "Soldier_Bravo");
             SecureChatSession bravo = servers.session("Soldier_Bravo", b, "Soldier_Alpha")) {
            servers.awaitOnline(alpha, bravo);
            int n = 1_000;
            List<String> fromAlpha = new ArrayList<>();
            List<String> fromBravo = new ArrayList<>();
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= n; i++) {
                    fromBravo.add(bravo.send("Soldier_Alpha", "B" + i));
                }
            });
            for (int i = 1; i <= n; i++) {
                fromAlpha.add(alpha.send("Soldier_Bravo", "A" + i));
            }
            t.join();
            SessionRecorder.await(Duration.ofSeconds(60), "both received " + n,
                    () -> a.received().size() >= n && b.received().size() >= n);
            SessionRecorder.await(Duration.ofSeconds(30), "every message confirmed by a receipt",
                    () -> fromAlpha.stream().allMatch(id -> a.delivery(id) == DeliveryState.DELIVERED)
                            && fromBravo.stream().allMatch(id -> b.delivery(id) == DeliveryState.DELIVERED));
            SessionRecorder.settle(alpha, "Soldier_Bravo", b);
            SessionRecorder.settle(bravo, "Soldier_Alpha", a);
            assertEquals(expected("A", n), b.receivedTexts());
            assertEquals(expected("B", n), a.receivedTexts());
            assertEquals(fromAlpha, b.received().stream().map(ChatMessage::id).toList());
            assertTrue(a.problems().isEmpty(), () -> "alpha problems: " + a.problems());
            assertTrue(b.problems().isEmpty(), () -> "bravo problems: " + b.problems());
            // ✓ before ✓✓: the relay acknowledged each message before the receipt came back.
            assertTrue(a.deliveryHistory(fromAlpha.getLast()).contains(DeliveryState.RELAYED)
                    || a.deliveryHistory(fromAlpha.getLast()).getLast() == DeliveryState.DELIVERED);
        }
    }

    @Test
    void keysRotateAndTheReceiverFetchesUnknownKeyIds() throws Exception {
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession alpha = servers.session("Rotating_Alpha", a, "Rotating_Bravo");
             SecureChatSession bravo = servers.session("Rotating_Bravo", b, "Rotating_Alpha")) {
            servers.awaitOnline(alpha, bravo);
            alpha.setMessagesPerKey(25);
            for (int i = 1; i <= 100; i++) {
                alpha.send("Rotating_Bravo", "R" + i);
            }
            SessionRecorder.await(Duration.ofSeconds(30), "100 received", () -> b.received().size() >= 100);
            assertEquals(expected("R", 100), b.receivedTexts());
            Set<String> keyIds = new HashSet<>(b.received().stream().map(ChatMessage::keyId).toList());
            assertTrue(keyIds.size() >= 4, "rotated every 25 messages: " + keyIds.size() + " key ids");
            assertTrue(b.problems().isEmpty(), () -> "bravo problems: " + b.problems());
        }
    }

    /**
     * A chat window closed right after its last message and opened again, twenty times, while the
     * peer stays. Two things must hold: the close is graceful, so the frame already handed to the
     * connection reaches the relay (the session used to cancel its HTTP calls at once, cutting the
     * socket under it); and the reopened chat, taking up the same pair key, continues that key's
     * sequence numbers (it used to start again at 1, and the peer dropped its messages as replays
     * while acknowledging them).
     */
    @Test
    void aChatClosedRightAfterSendingAndOpenedAgainLosesNothing() throws Exception {
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession bravo = servers.session("Closing_Bravo", b, "Closing_Alpha")) {
            for (int i = 1; i <= 20; i++) {
                SessionRecorder a = new SessionRecorder();
                String hello = "hello " + i;
                String lastWords = "last words " + i;
                try (SecureChatSession alpha = servers.session("Closing_Alpha", a, "Closing_Bravo")) {
                    servers.awaitOnline(alpha, bravo);
                    alpha.send("Closing_Bravo", hello); // the key is ready after it: the last one goes at once
                    SessionRecorder.await(Duration.ofSeconds(20), "bravo got '" + hello + "' (run " + i
                            + " of the chat, key " + a.keyIds() + ")", () -> b.receivedTexts().contains(hello));
                    alpha.send("Closing_Bravo", lastWords); // and the window closes at once
                }
                SessionRecorder.await(Duration.ofSeconds(20), "bravo got '" + lastWords + "' after alpha closed",
                        () -> b.receivedTexts().contains(lastWords));
            }
            assertTrue(b.problems().isEmpty(), () -> "bravo problems: " + b.problems());
        }
    }

    static List<String> expected(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(prefix + i);
        }
        return l;
    }
}
