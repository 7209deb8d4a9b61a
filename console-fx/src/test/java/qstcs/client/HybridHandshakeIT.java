package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.SecretBytes;

/** pqc on: the ML-KEM-768 exchange on top of the QKD key, and a relay that swaps its key gets caught. */
class HybridHandshakeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void hybridSessionsChatWithTheHandshakeKey() {
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession alpha = servers.session(servers.config("Pqc_Alpha").withPqc(true), a, "Pqc_Bravo");
             SecureChatSession bravo = servers.session(servers.config("Pqc_Bravo").withPqc(true), b, "Pqc_Alpha")) {
            servers.awaitOnline(alpha, bravo);
            String id = alpha.send("Pqc_Bravo", "over ML-KEM");
            bravo.send("Pqc_Alpha", "and back");
            SessionRecorder.await(Duration.ofSeconds(15), "both messages delivered",
                    () -> b.receivedTexts().contains("over ML-KEM") && a.receivedTexts().contains("and back"));
            SessionRecorder.await(Duration.ofSeconds(5), "receipt", () -> a.delivery(id) == DeliveryState.DELIVERED);
            assertEquals(a.keyIds().getLast(), b.keyIds().getLast(), "both ends name the same QKD key id");
            assertTrue(a.problems().isEmpty() && b.problems().isEmpty(), () -> a.problems() + " " + b.problems());
        }
    }

    @Test
    void aRelayThatSwapsTheKemKeyIsDetected() throws Exception {
        AtomicInteger swapped = new AtomicInteger();
        try (InterceptingRelayProxy mitm = new InterceptingRelayProxy(servers.relayUrl(), frame -> swapKemKey(frame, swapped))) {
            SessionRecorder a = new SessionRecorder();
            SessionRecorder b = new SessionRecorder();
            ClientConfig alphaConfig = servers.config("Mitm_Alpha", mitm.url()).withPqc(true);
            ClientConfig bravoConfig = servers.config("Mitm_Bravo", mitm.url()).withPqc(true);
            try (SecureChatSession alpha = servers.session(alphaConfig, a, "Mitm_Bravo");
                 SecureChatSession bravo = servers.session(bravoConfig, b, "Mitm_Alpha")) {
                servers.awaitOnline(alpha, bravo);
                String id = alpha.send("Mitm_Bravo", "for Bravo's eyes only");
                SessionRecorder.await(Duration.ofSeconds(10), "the tampering is reported",
                        () -> hasTamper(a) || hasTamper(b));
                // Whoever detected it never finishes the exchange, so nothing is sealed after this point.
                // Both still hold the QKD key (only the exchange failed); asking for it also waits
                // until each session's thread has handled what it had received.
                assertTrue(alpha.keyId("Mitm_Bravo").isPresent() && bravo.keyId("Mitm_Alpha").isPresent());
                assertTrue(swapped.get() >= 1, "the attacker saw a kem_init");
                assertTrue(b.received().isEmpty(), "nothing delivered under a key the attacker influenced");
                assertTrue(a.delivery(id) == DeliveryState.PENDING || a.delivery(id) == DeliveryState.HELD,
                        "the message stays unsent: " + a.delivery(id));
                List<ClientException> tampers = (hasTamper(b) ? b : a).problems();
                assertTrue(tampers.stream().anyMatch(p -> p.getMessage().contains("tampered")), tampers::toString);
            }
        }
    }

    private static boolean hasTamper(SessionRecorder r) {
        return r.problems().stream().anyMatch(p -> p.problem() == ClientException.Problem.HANDSHAKE_TAMPERED);
    }

    /** The attacker replaces the initiator's ML-KEM key with one of its own (a valid key, wrong owner). */
    private static String swapKemKey(String frame, AtomicInteger swapped) {
        try {
            JsonNode f = JSON.readTree(frame);
            if (!"kem_init".equals(f.path("type").asText())) {
                return frame;
            }
            SecretBytes guess = SecretBytes.random(32, new SecureRandom());
            String attackerEk = HybridHandshake.initiate(guess, f.path("key_id").asText(), f.path("sender").asText(),
                    f.path("recipient").asText()).kemInit().ek();
            swapped.incrementAndGet();
            return ((ObjectNode) f).put("ek", attackerEk).toString();
        } catch (Exception e) {
            return frame;
        }
    }

    /** pqc on, the chat closed and opened again on the same pair key: a new exchange, nothing lost. */
    @org.junit.jupiter.api.Test
    void aReopenedChatRunsANewExchangeAndIsHeard() throws Exception {
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession bravo = servers.session(servers.config("PqcReopen_Bravo").withPqc(true), b, "PqcReopen_Alpha")) {
            for (int i = 1; i <= 3; i++) {
                SessionRecorder a = new SessionRecorder();
                String text = "over ML-KEM, run " + i;
                try (SecureChatSession alpha = servers.session(servers.config("PqcReopen_Alpha").withPqc(true), a,
                        "PqcReopen_Bravo")) {
                    servers.awaitOnline(alpha, bravo);
                    alpha.send("PqcReopen_Bravo", text);
                    SessionRecorder.await(java.time.Duration.ofSeconds(20), "bravo got '" + text + "'",
                            () -> b.receivedTexts().contains(text));
                }
            }
        }
    }
}
