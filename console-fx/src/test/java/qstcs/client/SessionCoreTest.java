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
    void theWindowKeepsAtMostItsSizeUnconfirmedOnTheWireToAnOfflinePeer() {
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

    /**
     * A device whose relay shuts down while both sides stream comes back to the worst backlog the
     * window allows: its peer's window of messages and a receipt for each message of its own window
     * wait for it, and on its return it sends its window again (a new connection) and its peer
     * does too (it came online), each copy answered by a receipt. A relay of a cluster holds at
     * most 256 frames for one recipient and refuses more (queue_full: the message is marked not
     * sent); with a window of 128 these 4 × 128 frames got messages refused in
     * RelayClusterSessionIT (2 runs of 20). The window keeps them within the relay's queue.
     */
    @Test
    void aDeviceComingBackNeverFindsMoreWaitingForItThanARelayQueueHolds() {
        FakeNetwork.Device[] ab = online(false);
        FakeNetwork.Device a = ab[0];
        FakeNetwork.Device b = ab[1];
        int n = 3 * SessionCore.WINDOW;
        List<String> ms = new ArrayList<>();
        List<String> ns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.core.send("m" + i, "Bravo", "M" + i);
            ms.add("M" + i);
            ns.add("N" + i);
        }
        net.connectionLost("Alpha"); // Alpha's window is on its way to Bravo; the acks are lost
        net.deliver(); // Bravo reads it and sends a receipt for each: they wait for Alpha
        for (int i = 0; i < n; i++) {
            b.core.send("n" + i, "Alpha", "N" + i); // Bravo's window waits for Alpha
        }
        net.deliver();
        net.fireRetries(); // Alpha registers again: both sides send again what is unconfirmed
        assertEquals(ms, b.seen.receivedTexts());
        assertEquals(ns, a.seen.receivedTexts());
        int most = net.mostWaiting.get("Alpha");
        assertTrue(most <= qstcs.relay.RelayLimits.DEFAULT.queueFrames(),
                () -> most + " frames waited for Alpha at once; a relay queue holds "
                        + qstcs.relay.RelayLimits.DEFAULT.queueFrames());
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
        // The first seq under a key is the sender's clock in microseconds (FakeNetwork's clock here).
        assertTrue(net.sent("chat").getFirst().startsWith("{\"type\":\"chat\",\"id\":\"m1\",\"sender\":\"Alpha\","
                + "\"recipient\":\"Bravo\",\"key_id\":\"key-1\",\"seq\":"
                + qstcs.crypto.seal.ReplayWindow.startingSeq(java.time.Instant.parse("2026-12-01T10:00:00Z")) + ","),
                net.sent("chat").getFirst());
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
    void aKeyServiceDownAtStartUpIsRetriedWithACountdownNotGivenUpOn() {
        net.kmsDown = true;
        FakeNetwork.Device a = net.device("Alpha");
        FakeNetwork.Device b = net.device("Bravo");
        b.core.start(List.of("Alpha"));
        a.core.start(List.of("Bravo"));
        assertEquals(ConnectionState.CONNECTING, a.core.state(), "waiting, not failed");
        assertEquals("Cannot reach the key service", a.seen.states().getLast().message());
        assertFalse(a.connected, "no relay connection without a key");
        assertEquals(1, a.seen.retries().size(), "the next attempt is announced");
        assertTrue(a.retryInMillis != null);
        a.core.send("m1", "Bravo", "typed while the key service is down");

        net.fireRetries(); // still down: another attempt, later
        assertEquals(ConnectionState.CONNECTING, a.core.state());
        assertEquals(2, a.seen.retries().size());
        assertTrue(a.seen.retries().get(1).compareTo(a.seen.retries().get(0)) > 0, "backing off");

        net.kmsDown = false;
        a.core.retryNow(); // the "retry now" button does not wait for the countdown
        b.core.retryNow();
        net.deliver();
        assertEquals(ConnectionState.ONLINE, a.core.state());
        assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m1"));
    }

    @Test
    void aWrongAddressAtStartUpStillFailsInPlainWords() {
        FakeNetwork.Device a = net.device("Alpha");
        a.core.start(List.of("Bravo")); // keys fetched, the relay connection not yet answered
        a.core.relayClosed(1002, new ClientException(ClientException.Problem.WRONG_URL, "not a relay"));
        assertEquals(ConnectionState.FAILED, a.core.state(), "a wrong address is not retried forever");
        assertEquals("not a relay", a.seen.states().getLast().message());
    }

    @Test
    void aFrameUnderAKeyTheKeyServiceLostIsReSentUnderANewKeyWithoutAnError() {
        for (boolean hybrid : new boolean[] {false, true}) {
            FakeNetwork net = new FakeNetwork();
            FakeNetwork.Device a = net.device("Alpha", hybrid);
            FakeNetwork.Device b = net.device("Bravo", hybrid);
            a.core.start(List.of("Bravo"));
            b.core.start(List.of("Alpha"));
            net.deliver();
            String old = a.core.keyId("Bravo").orElseThrow();

            // The key service restarts and Bravo's window with it: Alpha still seals under the lost key.
            net.leave("Bravo");
            net.kmsRestart();
            a.core.send("m1", "Bravo", "sealed under a key nobody can fetch any more");
            a.core.send("m2", "Bravo", "and another one");
            FakeNetwork.Device b2 = net.device("Bravo", hybrid);
            b2.core.start(List.of("Alpha"));
            net.deliver();

            assertEquals(List.of("sealed under a key nobody can fetch any more", "and another one"),
                    b2.seen.receivedTexts(), "each message shown once (hybrid " + hybrid + ")");
            assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m1"));
            assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m2"));
            if (!hybrid) {
                // (Hybrid: the new window's kem_init under the new key already moved Alpha to it.)
                assertTrue(a.seen.deliveryHistory("m1").contains(DeliveryState.RESECURING), "shown as re-securing");
            }
            assertNotEquals(old, a.core.keyId("Bravo").orElseThrow(), "re-keyed");
            assertEquals(b2.core.keyId("Alpha"), a.core.keyId("Bravo"));
            assertTrue(a.seen.problems().isEmpty(), "the sender is never shown an error: " + a.seen.problems());
            assertTrue(b2.seen.problems().isEmpty(), "nor the receiver: " + b2.seen.problems());
            assertEquals(ConnectionState.ONLINE, a.core.state());
            assertFalse(net.sent("key_unavailable").isEmpty());
            // The new key is whole on both sides: more messages and a reply go through under it.
            a.core.send("m3", "Bravo", "after the recovery");
            b2.core.send("r1", "Alpha", "reply under the new key");
            net.deliver();
            assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m3"));
            assertEquals(DeliveryState.DELIVERED, b2.seen.delivery("r1"));
            assertTrue(a.seen.problems().isEmpty() && b2.seen.problems().isEmpty());
        }
    }

    @Test
    void aForgedKeyUnavailableChangesNothing() {
        FakeNetwork.Device[] ab = online(false);
        FakeNetwork.Device a = ab[0];
        String key = a.core.keyId("Bravo").orElseThrow();
        ab[0].core.send("m1", "Bravo", "hello");
        net.deliver();
        // A relay makes one up: it names the current key but cannot compute the mac.
        a.core.relayFrame(RelayFrame.parse(qstcs.crypto.seal.KeyUnavailable.sign("m1", "Bravo", "Alpha", key, key + "x",
                qstcs.crypto.keys.SecretBytes.random(32, new java.security.SecureRandom())).toJson()).orElseThrow());
        net.deliver();
        assertEquals(key, a.core.keyId("Bravo").orElseThrow());
        assertEquals(List.of(DeliveryState.PENDING, DeliveryState.SENT, DeliveryState.RELAYED, DeliveryState.DELIVERED),
                a.seen.deliveryHistory("m1"));
    }

    @Test
    void aMessageTheRelayDoesNotTakeInTimeFailsAndARetrySendsItUnderItsOwnId() {
        FakeNetwork.Device[] ab = online(false);
        FakeNetwork.Device a = ab[0];
        net.relayDown();
        a.core.send("m1", "Bravo", "into the void");
        net.advance(SessionCore.SEND_DEADLINE.minusSeconds(1));
        a.core.resendTick();
        assertEquals(DeliveryState.PENDING, a.seen.delivery("m1"));
        net.advance(Duration.ofSeconds(2));
        a.core.resendTick();
        assertEquals(DeliveryState.FAILED, a.seen.delivery("m1"));

        net.relayUp();
        net.fireRetries();
        assertEquals(ConnectionState.ONLINE, a.core.state());
        assertEquals(DeliveryState.FAILED, a.seen.delivery("m1"), "a failed message is not sent by itself");
        assertTrue(ab[1].seen.receivedTexts().isEmpty());

        a.core.retry("m1", "Bravo", "into the void", net.clock.now());
        net.deliver();
        assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m1"));
        assertEquals(List.of("into the void"), ab[1].seen.receivedTexts());
    }

    @Test
    void heldMessagesNeverFailAndAResumedMessageGoesOnce() {
        FakeNetwork.Device[] ab = online(false);
        FakeNetwork.Device a = ab[0];
        net.setLink(LinkColour.RED);
        a.core.send("m1", "Bravo", "held");
        net.advance(SessionCore.SEND_DEADLINE.multipliedBy(3));
        a.core.resendTick();
        assertEquals(DeliveryState.HELD, a.seen.delivery("m1"));
        a.core.resume("m0", "Bravo", "from the last run", net.clock.now(), DeliveryState.SENT);
        a.core.resume("m0", "Bravo", "from the last run", net.clock.now(), DeliveryState.SENT);
        net.setLink(LinkColour.GREEN);
        net.deliver();
        assertEquals(List.of("held", "from the last run"), ab[1].seen.receivedTexts());
        assertEquals(DeliveryState.DELIVERED, a.seen.delivery("m0"));
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
