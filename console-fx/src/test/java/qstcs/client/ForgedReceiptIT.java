package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ✓✓ means the peer decrypted the message: a relay (or anyone on the path) that fakes or alters a
 * receipt must not turn ✓ into ✓✓, while a genuine receipt on the same path does.
 */
class ForgedReceiptIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void receiptsWithAWrongOrMissingMacDoNotConfirm() throws Exception {
        AtomicInteger forged = new AtomicInteger();
        try (InterceptingRelayProxy mitm = new InterceptingRelayProxy(servers.relayUrl(), f -> forge(f, forged))) {
            SessionRecorder a = new SessionRecorder();
            SessionRecorder b = new SessionRecorder();
            try (SecureChatSession alpha = servers.session(servers.config("Forge_Alpha"), a, "Forge_Bravo");
                 SecureChatSession bravo = servers.session(servers.config("Forge_Bravo", mitm.url()), b, "Forge_Alpha")) {
                servers.awaitOnline(alpha, bravo);
                String first = alpha.send("Forge_Bravo", "confirm me if you can");
                String second = alpha.send("Forge_Bravo", "and me");
                SessionRecorder.await(Duration.ofSeconds(10), "Bravo reads both",
                        () -> b.receivedTexts().containsAll(java.util.List.of("confirm me if you can", "and me")));
                SessionRecorder.await(Duration.ofSeconds(10), "forged receipts sent", () -> forged.get() >= 2);
                // Bravo's frames reach Alpha in order: once this one is shown, the forged receipts were judged.
                String reply = bravo.send("Forge_Alpha", "roger");
                SessionRecorder.await(Duration.ofSeconds(10), "Alpha reads the reply",
                        () -> a.receivedTexts().contains("roger"));
                assertEquals(DeliveryState.RELAYED, a.delivery(first), "a receipt without a valid mac is ignored");
                assertEquals(DeliveryState.RELAYED, a.delivery(second), "a receipt without a mac is ignored");

                // Alpha's receipts are not forged: the genuine one confirms Bravo's reply.
                SessionRecorder.await(Duration.ofSeconds(10), "a genuine receipt confirms",
                        () -> b.delivery(reply) == DeliveryState.DELIVERED);
                assertTrue(a.problems().isEmpty(), a.problems()::toString);
            }
        }
    }

    /** The attacker alters every receipt Bravo sends: one digit of the mac changed, or the mac removed. */
    private static String forge(String frame, AtomicInteger forged) {
        try {
            JsonNode f = JSON.readTree(frame);
            if (!"receipt".equals(f.path("type").asText())) {
                return frame;
            }
            ObjectNode o = (ObjectNode) f;
            if (forged.getAndIncrement() % 2 == 0) {
                String mac = o.path("mac").asText();
                o.put("mac", (mac.charAt(0) == '0' ? "1" : "0") + mac.substring(1));
            } else {
                o.remove("mac");
            }
            return o.toString();
        } catch (Exception e) {
            return frame;
        }
    }
}
