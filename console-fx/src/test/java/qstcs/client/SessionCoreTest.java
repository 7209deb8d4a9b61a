package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import qstcs.crypto.link.LinkColour;

/**
 * The session's decisions over a fake relay, key service and clock: deterministic, no thread, no
 * socket, no waiting. The live tests ({@code *IT}) check the same story against the real servers.
 */
class SessionCoreTest {
    private final FakeNetwork net = new FakeNetwork();

    private FakeNetwork.Device[] online(boolean hybrid) {
        FakeNetwork.Device a = net.device("Alpha", hybrid);
        FakeNetwork.Device b = net.device("Bravo", hybrid);
        a.core.start(List.of("Bravo"));
        b.core.start(List.of("Alpha"));
        net.deliver();
        assertEquals(ConnectionState.ONLINE, a.core.state());
        assertEquals(ConnectionState.ONLINE, b.core.state());
        return new FakeNetwork.Device[] {a, b};
    }

    @Test
    void aMessageTypedBeforeTheRelayAnswersStartsWaitingThenGetsBothTicks() {
        FakeNetwork.Device a = net.device("Alpha");
        FakeNetwork.Device b = net.device("Bravo");
        a.core.start(List.of("Bravo"));
        b.core.start(List.of("Alpha"));
        a.core.send("m1", "Bravo", "radio check");
        // Shown at once in its true state: nothing is on the wire yet.
        assertEquals(List.of(DeliveryState.PENDING), a.seen.deliveryHistory("m1"));
        assertTrue(net.wire.isEmpty());

        net.deliver();
        assertEquals(List.of(DeliveryState.PENDING, DeliveryState.SENT, DeliveryState.RELAYED,
                DeliveryState.DELIVERED), a.seen.deliveryHistory("m1"));
        assertEquals(List.of("radio check"), b.seen.receivedTexts());
    }

    @Test
    void aMessageSentWhileOnlineGoesAtOnce() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.send("m1", "Bravo", "hello");
        assertEquals(DeliveryState.SENT, ab[0].seen.delivery("m1"));
        assertEquals(List.of(DeliveryState.PENDING, DeliveryState.SENT), ab[0].seen.deliveryHistory("m1"));
        net.deliver();
        assertEquals(DeliveryState.DELIVERED, ab[0].seen.delivery("m1"));
    }

    @Test
    void aBreachHoldsWhatIsTypedAndTheResetSendsItUnderANewKey() {
        FakeNetwork.Device[] ab = online(false);
        FakeNetwork.Device a = ab[0];
        FakeNetwork.Device b = ab[1];
        String before = a.core.keyId("Bravo").orElseThrow();
        a.core.send("m0", "Bravo", "unconfirmed when RED");

        net.setLink(LinkColour.RED);
        assertEquals(ConnectionState.COMPROMISED, a.core.state());
        assertEquals(ConnectionState.COMPROMISED, b.core.state());
        assertTrue(a.core.keyId("Bravo").isEmpty(), "keys wiped on RED");
        assertEquals(DeliveryState.HELD, a.seen.delivery("m0"), "unconfirmed goes back to held");
        assertEquals(SessionCore.COMPROMISED_MESSAGE, a.seen.states().getLast().message());

        int wireBefore = net.wire.size();
        a.core.send("m1", "Bravo", "typed while RED");
        assertEquals(List.of(DeliveryState.HELD), a.seen.deliveryHistory("m1"), "held from the start");
        net.deliver();
        assertEquals(wireBefore, net.wire.size(), "nothing crosses the network while RED");

        net.setLink(LinkColour.GREEN);
        assertEquals(ConnectionState.ONLINE, a.core.state());
        String after = a.core.keyId("Bravo").orElseThrow();
        assertNotEquals(before, after);
        assertEquals(List.of("unconfirmed when RED", "typed while RED"), b.seen.receivedTexts());
        assertTrue(b.seen.received().stream().allMatch(m -> m.keyId().equals(after)), "sealed only with the new key");
        assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m1"));
    }

    @Test
    void theWindowKeepsAtMost128UnconfirmedOnTheWireToAnOfflinePeer() {
        FakeNetwork.Device a = net.device("Alpha");
        net.device("Bravo");
        a.core.start(List.of("Bravo"));
        net.deliver();
        for (int i = 0; i < SessionCore.WINDOW + 10; i++) {
            a.core.send("m" + i, "Bravo", "n" + i);
        }
        net.deliver();
        assertEquals(SessionCore.WINDOW, net.sent("chat").size());
        assertEquals(DeliveryState.RELAYED, a.seen.delivery("m0"));
        assertEquals(DeliveryState.PENDING, a.seen.delivery("m" + SessionCore.WINDOW));
    }

    @Test
    void aLostFrameIsResentAfterTheTimeoutAndShownOnce() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.send("m1", "Bravo", "lost once");
        net.dropInFlight(); // the frame and its ack vanish
        ab[0].core.resendTick();
        assertEquals(1, net.sent("chat").size(), "not before the timeout");

        net.advance(SessionCore.RESEND_AFTER.plusMillis(1));
        ab[0].core.resendTick();
        net.deliver();
        assertEquals(2, net.sent("chat").size());
        assertEquals(List.of("lost once"), ab[1].seen.receivedTexts());
        assertEquals(DeliveryState.DELIVERED, ab[0].seen.delivery("m1"));

        // A duplicate is confirmed again but shown once.
        ab[0].send(net.sent("chat").getFirst());
        net.deliver();
        assertEquals(List.of("lost once"), ab[1].seen.receivedTexts());
    }

    @Test
    void aRelayRestartReconnectsWithBackoffAndResendsWhatWasUnconfirmed() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.send("m1", "Bravo", "across the restart");
        net.relayDown();
        assertEquals(ConnectionState.RECONNECTING, ab[0].core.state());
        assertTrue(ab[0].retryInMillis != null, "a reconnect is scheduled");
        net.relayUp();
        net.fireRetries();
        assertEquals(ConnectionState.ONLINE, ab[0].core.state());
        assertEquals(List.of("across the restart"), ab[1].seen.receivedTexts());
        assertEquals(DeliveryState.DELIVERED, ab[0].seen.delivery("m1"));
    }

    @Test
    void keysRotateAfterTheBudgetAndTheReceiverFollows() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.setMessagesPerKey(3);
        for (int i = 1; i <= 7; i++) {
            ab[0].core.send("m" + i, "Bravo", "r" + i);
            net.deliver();
        }
        Set<String> keys = new HashSet<>(ab[1].seen.received().stream().map(ChatMessage::keyId).toList());
        assertEquals(3, keys.size(), "3 + 3 + 1 messages under three keys");
        assertEquals(List.of("r1", "r2", "r3", "r4", "r5", "r6", "r7"), ab[1].seen.receivedTexts());
        assertTrue(ab[1].seen.problems().isEmpty());
    }

    @Test
    void aForgedReceiptLeavesTheMessageUnconfirmed() {
        FakeNetwork.Device[] ab = online(false);
        net.tamper = f -> FakeNetwork.typed("receipt").test(f) ? forgeMac(f) : f;
        ab[0].core.send("m1", "Bravo", "confirm me");
        net.deliver();
        assertEquals(List.of("confirm me"), ab[1].seen.receivedTexts());
        assertEquals(DeliveryState.RELAYED, ab[0].seen.delivery("m1"));
    }

    @Test
    void theHybridExchangeCompletesBeforeAnythingIsSealed() {
        FakeNetwork.Device a = net.device("Alpha", true);
        FakeNetwork.Device b = net.device("Bravo", true);
        a.core.start(List.of("Bravo"));
        b.core.start(List.of("Alpha"));
        a.core.send("m1", "Bravo", "post-quantum hello");
        net.deliver();
        assertEquals(List.of("post-quantum hello"), b.seen.receivedTexts());
        assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m1"));
        List<String> kinds = new ArrayList<>();
        net.wire.forEach(f -> kinds.add(f.substring(9, f.indexOf('"', 9))));
        assertTrue(kinds.indexOf("kem_resp") < kinds.indexOf("chat"), "sealed only after the exchange: " + kinds);
        // Both started at once: exactly one exchange finished, so both hold the same session key.
        assertTrue(a.seen.problems().isEmpty() && b.seen.problems().isEmpty());
    }

    @Test
    void aTamperedKemRespIsReportedAndNothingIsSent() {
        FakeNetwork.Device a = net.device("Alpha", true);
        FakeNetwork.Device b = net.device("Bravo", true);
        net.tamper = f -> FakeNetwork.typed("kem_resp").test(f) ? forgeMac(f) : f;
        a.core.start(List.of("Bravo"));
        net.deliver();
        b.core.start(List.of("Alpha"));
        a.core.send("m1", "Bravo", "never sealed");
        net.deliver();
        assertTrue(a.seen.problems().stream().anyMatch(p -> p.problem() == ClientException.Problem.HANDSHAKE_TAMPERED),
                () -> "problems: " + a.seen.problems());
        assertTrue(net.sent("chat").isEmpty());
        assertFalse(b.seen.receivedTexts().contains("never sealed"));
    }

    @Test
    void aRelayRedIsABreachOnlyWhenTheKeyServiceAgrees() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.relayFrame(RelayFrame.parse("{\"type\":\"link\",\"status\":\"RED\"}").orElseThrow());
        assertEquals(ConnectionState.ONLINE, ab[0].core.state(), "the key service still says GREEN");
    }

    @Test
    void aReplacedRegistrationFailsTheSession() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.relayFrame(RelayFrame.parse("{\"type\":\"error\",\"code\":\"replaced\",\"message\":\"\"}").orElseThrow());
        assertEquals(ConnectionState.FAILED, ab[0].core.state());
    }

    @Test
    void theParserTypesEachFrameOnceAndIgnoresWhatItDoesNotUse() {
        assertEquals(new RelayFrame.Registered(List.of("A", "B")),
                RelayFrame.parse("{\"type\":\"registered\",\"device_id\":\"A\",\"online\":[\"A\",\"B\"]}").orElseThrow());
        assertEquals(new RelayFrame.Ack("x"), RelayFrame.parse("{\"type\":\"ack\",\"id\":\"x\",\"status\":\"queued\"}")
                .orElseThrow());
        assertTrue(RelayFrame.parse("{\"type\":\"pong\"}").isEmpty());
        assertTrue(RelayFrame.parse("{\"type\":\"chat\",\"id\":\"x\"}").isEmpty(), "a chat frame without fields");
        assertTrue(RelayFrame.parse("not json").isEmpty());
        assertTrue(RelayFrame.parse("[1,2]").isEmpty());
    }

    @Test
    void everyTypeOfFrameKeepsItsWireShape() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.send("m1", "Bravo", "shape");
        net.deliver();
        String receipt = net.sent("receipt").getFirst();
        assertTrue(receipt.matches("\\{\"type\":\"receipt\",\"id\":\"m1\",\"sender\":\"Bravo\",\"recipient\":\"Alpha\","
                + "\"key_id\":\"key-1\",\"mac\":\"[0-9a-f]+\"}"), receipt);
        assertTrue(net.sent("chat").getFirst().startsWith("{\"type\":\"chat\",\"id\":\"m1\",\"sender\":\"Alpha\","
                + "\"recipient\":\"Bravo\",\"key_id\":\"key-1\",\"seq\":1,"));
    }

    @Test
    void closingWipesKeysAndStopsEverything() {
        FakeNetwork.Device[] ab = online(false);
        ab[0].core.close();
        assertEquals(ConnectionState.CLOSED, ab[0].core.state());
        assertTrue(ab[0].core.keyId("Bravo").isEmpty());
        assertFalse(ab[0].connected);
        net.setLink(LinkColour.RED);
        assertEquals(ConnectionState.CLOSED, ab[0].core.state());
    }

    @Test
    void theOldestUnconfirmedIsNotResentToAnOfflinePeer() {
        FakeNetwork.Device a = net.device("Alpha");
        net.device("Bravo");
        a.core.start(List.of("Bravo"));
        net.deliver();
        a.core.send("m1", "Bravo", "queued at the relay");
        net.deliver();
        net.advance(Duration.ofMinutes(1));
        a.core.resendTick();
        assertEquals(1, net.sent("chat").size());
    }

    /** A relay that cannot compute the mac puts in one of the right length. */
    private static String forgeMac(String frame) {
        return frame.replaceFirst("\"mac\":\"[0-9a-f]+\"", "\"mac\":\"" + "0".repeat(64) + "\"");
    }

    @Test
    void aKeyServiceThatGivesNoKeyBeforeTheFirstConnectionFailsTheSessionInPlainWords() {
        net.keysDown = true;
        FakeNetwork.Device a = net.device("Alpha");
        a.core.start(List.of("Bravo"));
        assertEquals(ConnectionState.FAILED, a.core.state());
        assertEquals("Cannot reach the key service", a.seen.states().getLast().message());
        assertFalse(a.connected, "no relay connection without a key");
    }

    @Test
    void aKeyServiceDownDuringTheReKeyIsRetriedUntilItAnswers() {
        FakeNetwork.Device[] ab = online(false);
        net.setLink(LinkColour.RED);
        net.keysDown = true;
        net.setLink(LinkColour.GREEN);
        assertTrue(ab[0].core.keyId("Bravo").isEmpty());
        assertTrue(ab[0].seen.problems().stream().anyMatch(p -> p.problem() == ClientException.Problem.KMS_UNREACHABLE));
        assertTrue(ab[0].retryInMillis != null, "a re-key attempt is scheduled");
        ab[0].core.send("m1", "Bravo", "after the outage");
        assertTrue(net.sent("chat").isEmpty(), "nothing is sealed without a key");

        net.keysDown = false;
        net.fireRetries();
        assertEquals(ConnectionState.ONLINE, ab[0].core.state());
        assertTrue(ab[0].core.keyId("Bravo").isPresent());
        assertEquals(DeliveryState.DELIVERED, ab[0].seen.delivery("m1"));
    }
}
