package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.wire.CloseCode;

/**
 * Three relays joined by a real NATS JetStream server (started here): devices spread across them
 * chat as if on one relay. Skipped, visibly, where {@code nats-server} is not installed.
 */
class RelayClusterIT {

    private NatsEngine nats;
    private final List<RelayServer> relays = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        nats = NatsEngine.startOrSkip("RelayClusterIT");
        for (String node : List.of("r1", "r2", "r3")) {
            relays.add(RelayServer.start(RelaySettings.loopbackForTests()
                    .withLimits(RelayLimits.DEFAULT.withRate(100_000, 100_000))
                    .inCluster(nats.url(), node)));
        }
    }

    @AfterEach
    void stop() throws Exception {
        try {
            relays.forEach(RelayServer::close);
        } finally {
            if (nats != null) {
                nats.close();
            }
        }
    }

    private int port(int relay) {
        return relays.get(relay).port();
    }

    @Test
    void framesCrossRelaysExactlyOnceInOrderBothWays() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(1), "Soldier_Bravo")) {
            ChatTraffic a = new ChatTraffic(alpha, "Soldier_Alpha");
            ChatTraffic b = new ChatTraffic(bravo, "Soldier_Bravo");
            Thread ta = Thread.ofVirtual().start(() -> a.send("Soldier_Bravo", "a", 1000, 32));
            Thread tb = Thread.ofVirtual().start(() -> b.send("Soldier_Alpha", "b", 1000, 32));
            ta.join();
            tb.join();
            b.awaitChats(1000);
            a.awaitChats(1000);
            assertEquals(ChatTraffic.ids("a", 1000), b.chats(), "Bravo got Alpha's 1,000 frames once each, in order");
            assertEquals(ChatTraffic.ids("b", 1000), a.chats(), "Alpha got Bravo's 1,000 frames once each, in order");
            a.awaitAcks(1000);
            b.awaitAcks(1000);
            // The recipient's relay reports every frame it handed out, so each ends "delivered"; a
            // report later than RelayCluster.DELIVERED_WAIT (a loaded machine) is preceded by the
            // fallback "queued", like ✓ before ✓✓.
            for (ChatTraffic t : List.of(a, b)) {
                t.awaitDelivered(1000);
                assertTrue(Set.of("delivered", "queued").containsAll(t.ackStatuses()), t.ackStatuses().toString());
            }
            a.close();
            b.close();
        }
    }

    /**
     * A frame the relay wrote to a connection that then died (the relay's machine went down with
     * it in a socket buffer) never reached the device: its sender gets no receipt and sends it
     * again under the same id. That copy must reach the recipient as it does through one relay;
     * the recipient's client drops copies it already has by id.
     */
    @Test
    void aRetransmissionUnderTheSameIdReachesTheRecipientAgain() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(1), "Soldier_Bravo")) {
            alpha.next("presence");
            String frame = WsTestClient.chat("again-1", "Soldier_Alpha", "Soldier_Bravo", "01");
            alpha.send(frame);
            assertEquals("again-1", bravo.next("chat").get("id").asText());
            assertEquals("delivered", alpha.nextWithId("again-1").get("status").asText());
            alpha.send(frame);
            assertEquals("again-1", bravo.next("chat").get("id").asText(), "the retransmission reached Bravo");
            assertEquals("delivered", alpha.nextWithId("again-1").get("status").asText());
        }
    }

    @Test
    void offlineQueueLivesInTheClusterAndDrainsOnAnyRelay() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha")) {
            for (int i = 0; i < 5; i++) {
                alpha.send(WsTestClient.chat("q-" + i, "Soldier_Alpha", "Soldier_Bravo", "0" + i));
                JsonNode ack = alpha.nextWithId("q-" + i);
                assertEquals("queued", ack.get("status").asText(), ack.toString());
            }
            // The relay the frames were sent through goes away: they are in the stream, not in it.
            relays.get(0).close();
            try (WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(2), "Soldier_Bravo")) {
                for (int i = 0; i < 5; i++) {
                    assertEquals("q-" + i, bravo.next("chat").get("id").asText());
                }
                bravo.assertAlive();
                assertTrue(bravo.drain(Duration.ofMillis(300)).stream().noneMatch(s -> s.contains("\"chat\"")),
                        "each queued frame arrives once");
            }
        }
    }

    /**
     * A recipient's subject holding its 256 frames refuses the next one, and its sender hears
     * {@code queue_full} with the frame's id, as the protocol says (the SDK marks the message not
     * sent). The NATS client reports the stream's refusal wrapped in a {@code RuntimeException}:
     * read as any other failure, it was answered {@code internal}, which the SDK takes for "send it
     * again later", so the refused frame arrived after later ones (seen in RelayClusterSessionIT).
     */
    @Test
    void aFullRecipientQueueRefusesTheNewestFrameWithQueueFull() throws Exception {
        int frames = RelayLimits.DEFAULT.queueFrames();
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha")) {
            for (int i = 0; i < frames; i++) {
                alpha.send(WsTestClient.chat("full-" + i, "Soldier_Alpha", "Soldier_Bravo", "0" + i));
                JsonNode ack = alpha.nextWithId("full-" + i);
                assertEquals("queued", ack.get("status").asText(), ack.toString());
            }
            alpha.send(WsTestClient.chat("full-over", "Soldier_Alpha", "Soldier_Bravo", "01"));
            JsonNode refused = alpha.nextWithId("full-over");
            assertEquals("error", refused.get("type").asText(), refused.toString());
            assertEquals("queue_full", refused.get("code").asText(), refused.toString());
            try (WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(1), "Soldier_Bravo")) {
                for (int i = 0; i < frames; i++) {
                    assertEquals("full-" + i, bravo.next("chat").get("id").asText());
                }
                assertTrue(bravo.drain(Duration.ofMillis(300)).stream().noneMatch(f -> f.contains("full-over")),
                        "the refused frame was not queued");
            }
        }
    }

    /**
     * With NATS gone, the relay's NATS client keeps publishes for its reconnect (up to 8 MB) and
     * then refuses them on the spot, on the relay's event loop. Each refused frame is answered
     * under its own id, so its sender knows which one to send again; the refusal escaped to the
     * frame handler before, which answers {@code internal} with no id.
     */
    @Test
    void aFrameRefusedWhileNatsIsAwayIsAnsweredUnderItsId() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha")) {
            nats.close();
            nats = null;
            String body = "0".repeat(20_000);
            // 10 MB: more than the reconnect buffer holds, less than the test client queues (16 MiB)
            int frames = 500;
            for (int i = 0; i < frames; i++) {
                alpha.send(WsTestClient.chat("away-" + i, "Soldier_Alpha", "Soldier_Bravo", body));
            }
            for (int i = 0; i < 20; i++) {
                JsonNode error = alpha.next("error");
                assertTrue(error.hasNonNull("id") && error.get("id").asText().startsWith("away-"), error.toString());
                assertEquals("internal", error.get("code").asText(), error.toString());
            }
        }
    }

    /**
     * A NATS server that hangs while connected (SIGSTOP here) fills the NATS client's output
     * queue, and the client then makes each publish wait up to 2 s. Those waits must not land on
     * the relay's event loop: there they stalled every connection of the relay, one frame after
     * another. Now the loop hands NATS calls to the cluster's sender thread and refuses, under
     * the frame's id, what that thread's bounded backlog cannot take; other devices on the relay
     * are still served; once NATS runs again, every frame not refused reaches its recipient once,
     * in order.
     */
    @Test
    void aHangingNatsServerNeverStallsTheRelaysOtherConnections() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Bravo")) {
            alpha.send(WsTestClient.chat("warm", "Soldier_Alpha", "Soldier_Bravo", "00"));
            assertEquals("warm", bravo.next("chat").get("id").asText());
            HangTally tally = new HangTally();
            int sent = 0;
            nats.pause();
            try {
                String body = "0".repeat(200);
                while (tally.refusal == null) {
                    assertTrue(sent < 400_000, "no frame was refused after " + sent + " frames with NATS hanging");
                    for (int i = 0; i < 500; i++, sent++) {
                        alpha.send(WsTestClient.chat("hang-" + sent, "Soldier_Alpha", "Soldier_Bravo", body));
                    }
                    // Lets the relay read what was sent: waits on what the client still holds.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (alpha.socket().queueSize() > (1 << 20)) {
                        assertTrue(System.nanoTime() < deadline, "the relay stopped reading Alpha's frames");
                        tally.collect(alpha, bravo, 1);
                    }
                    tally.collect(alpha, bravo, 0);
                }
                // The loop is free: Bravo, on the same relay, is served while NATS still hangs.
                bravo.assertAlive();
            } finally {
                nats.resume();
            }
            assertTrue(tally.refusal.contains("\"code\":\"internal\""), tally.refusal);
            // Every frame gets an answer, and each one acknowledged reaches Bravo.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!tally.settled(sent)) {
                assertTrue(System.nanoTime() < deadline, tally.summary(sent));
                tally.collect(alpha, bravo, 10);
            }
            List<Integer> arrived = tally.arrived;
            for (int i = 1; i < arrived.size(); i++) {
                assertTrue(arrived.get(i) > arrived.get(i - 1), "out of order or twice: hang-" + arrived.get(i - 1)
                        + " then hang-" + arrived.get(i));
            }
            assertTrue(tally.refused() > 0 && tally.acked() > 0, tally.summary(sent));
            System.out.println("[servers] NATS hanging: " + tally.summary(sent));
        }
    }

    /**
     * A relay stopping takes its devices out of the cluster's presence, one request to NATS each.
     * With NATS hanging, each request waits for its timeout: one after another, a relay with many
     * devices took minutes to stop. The other relays mark a silent relay's devices offline after
     * {@link RelayCluster#DEAD_AFTER} anyway, so stopping waits a bounded time for those requests.
     */
    @Test
    void aRelayWithManyDevicesStopsPromptlyWhileNatsHangs() throws Exception {
        List<WsTestClient> devices = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                devices.add(WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_" + i));
            }
            nats.pause();
            long start = System.nanoTime();
            try {
                relays.get(0).close();
            } finally {
                nats.resume();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            System.out.println("[servers] relay with 40 devices stopped in " + seconds + " s with NATS hanging");
            // One request after another, 40 devices would take over 80 s (2 s each).
            assertTrue(seconds < 30, "stopping took " + seconds + " s");
        } finally {
            devices.forEach(WsTestClient::close);
        }
    }

    /** What Alpha heard about its {@code hang-N} frames, and which of them reached Bravo. */
    private static final class HangTally {
        final java.util.Map<Integer, List<String>> answers = new java.util.HashMap<>();
        final List<Integer> arrived = new ArrayList<>();
        final Set<Integer> arrivedSet = new java.util.HashSet<>();
        String refusal;

        /** Takes in everything both clients hold; waits up to {@code millis} when there is nothing. */
        void collect(WsTestClient alpha, WsTestClient bravo, long millis) throws Exception {
            boolean any = false;
            String a;
            while ((a = alpha.received.poll()) != null) {
                any = true;
                answer(a);
            }
            String b;
            while ((b = bravo.received.poll()) != null) {
                any = true;
                JsonNode n = WsTestClient.JSON.readTree(b);
                Integer i = number(n.path("id").asText());
                if (i != null && "chat".equals(n.path("type").asText())) {
                    arrived.add(i);
                    arrivedSet.add(i);
                }
            }
            if (!any && millis > 0 && (a = alpha.received.poll(millis, TimeUnit.MILLISECONDS)) != null) {
                answer(a);
            }
        }

        private void answer(String a) throws java.io.IOException {
            JsonNode n = WsTestClient.JSON.readTree(a);
            Integer i = number(n.path("id").asText());
            if (i != null) {
                answers.computeIfAbsent(i, k -> new ArrayList<>()).add(n.path("type").asText() + " "
                        + n.path("code").asText() + n.path("status").asText());
                if (refusal == null && "error".equals(n.path("type").asText())
                        && n.path("message").asText().contains("behind")) {
                    refusal = a;
                }
            }
        }

        private static Integer number(String id) {
            return id.startsWith("hang-") ? Integer.valueOf(id.substring(5)) : null;
        }

        boolean settled(int sent) {
            for (int i = 0; i < sent; i++) {
                List<String> got = answers.get(i);
                if (got == null || got.stream().anyMatch(x -> x.startsWith("ack")) && !arrivedSet.contains(i)) {
                    return false;
                }
            }
            return true;
        }

        long acked() {
            return answers.values().stream().filter(l -> l.stream().anyMatch(x -> x.startsWith("ack"))).count();
        }

        long refused() {
            return answers.values().stream().filter(l -> l.stream().allMatch(x -> x.startsWith("error"))).count();
        }

        String summary(int sent) {
            return "sent " + sent + ", answered " + answers.size() + ", acked " + acked() + ", refused " + refused()
                    + ", arrived " + arrived.size();
        }
    }

    @Test
    void presenceAndTheReplaceRuleSpanRelays() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(1), "Soldier_Bravo")) {
            JsonNode online = alpha.next("presence");
            assertEquals("Soldier_Bravo", online.get("device_id").asText());
            assertTrue(online.get("online").asBoolean());
            try (WsTestClient charlie = WsTestClient.connect(WsTestClient.HTTP, port(2))) {
                charlie.send("{\"type\":\"register\",\"device_id\":\"Soldier_Charlie\"}");
                JsonNode registered = charlie.next("registered");
                assertTrue(registered.get("online").toString().contains("Soldier_Alpha"), registered.toString());
                assertTrue(registered.get("online").toString().contains("Soldier_Bravo"), registered.toString());
            }
            // Bravo registers again on another relay: the first connection is replaced (4409).
            try (WsTestClient bravo2 = WsTestClient.register(WsTestClient.HTTP, port(2), "Soldier_Bravo")) {
                bravo.error(ErrorCode.REPLACED);
                assertEquals(CloseCode.REPLACED.code(), bravo.closeCode());
                alpha.send(WsTestClient.chat("r-1", "Soldier_Alpha", "Soldier_Bravo", "01"));
                assertEquals("r-1", bravo2.next("chat").get("id").asText());
                assertEquals("delivered", alpha.nextWithId("r-1").get("status").asText());
            }
            JsonNode offline = nextPresence(alpha, "Soldier_Bravo");
            assertTrue(!offline.get("online").asBoolean(), offline.toString());
        }
    }

    @Test
    void theRedCutOffFlushesTheClusterQueues() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha")) {
            alpha.send(WsTestClient.chat("f-1", "Soldier_Alpha", "Soldier_Bravo", "01"));
            assertEquals("queued", alpha.nextWithId("f-1").get("status").asText());
            for (RelayServer r : relays) {
                r.switchboard().linkStatus(LinkColour.RED);
            }
            assertEquals(CloseCode.LINK_RED.code(), alpha.closeCode());
            for (RelayServer r : relays) {
                r.switchboard().linkStatus(LinkColour.GREEN);
            }
            try (WsTestClient bravo = WsTestClient.register(WsTestClient.HTTP, port(1), "Soldier_Bravo")) {
                bravo.assertAlive();
                assertTrue(bravo.drain(Duration.ofMillis(300)).stream().noneMatch(s -> s.contains("\"chat\"")),
                        "frames sealed under revoked keys were flushed from the cluster's queue");
            }
        }
    }

    @Test
    void theBrokerHoldsTheSealedFrameAndOnlyTheRoutingHeaders() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, port(0), "Soldier_Alpha");
             io.nats.client.Connection broker = io.nats.client.Nats.connect(nats.url().toString())) {
            String frame = WsTestClient.chat("z-1", "Soldier_Alpha", "Soldier_Bravo", "c0ffee");
            alpha.send(frame);
            assertEquals("queued", alpha.nextWithId("z-1").get("status").asText());
            io.nats.client.api.MessageInfo stored = broker.jetStreamManagement()
                    .getLastMessage(RelayCluster.STREAM, RelayCluster.SUBJECT_PREFIX + "Soldier_Bravo");
            assertEquals(frame, new String(stored.getData(), java.nio.charset.StandardCharsets.UTF_8),
                    "the frame text exactly as the client sent it");
            assertEquals(Set.of("type", "id", "sender", "recipient"), stored.getHeaders().keySet());
        }
    }

    private static JsonNode nextPresence(WsTestClient c, String device) {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode p = c.next("presence");
            if (device.equals(p.get("device_id").asText())) {
                return p;
            }
        }
        throw new AssertionError("no presence of " + device);
    }

    /**
     * One device's chat traffic: sends numbered frames with a window of unacknowledged ones, and
     * sorts what arrives into chat ids (in arrival order) and ack statuses.
     */
    static final class ChatTraffic implements AutoCloseable {
        private final WsTestClient client;
        private final String self;
        private final List<String> chats = new ArrayList<>();
        private final Set<String> acked = new java.util.HashSet<>();
        private final Set<String> ackStatuses = new TreeSet<>();
        private final Set<String> deliveredIds = new java.util.HashSet<>();
        private final Thread reader;

        ChatTraffic(WsTestClient client, String self) {
            this.client = client;
            this.self = self;
            this.reader = Thread.ofVirtual().start(this::read);
        }

        static List<String> ids(String prefix, int n) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(prefix + "-" + i);
            }
            return out;
        }

        private void read() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    String s = client.received.poll(1, TimeUnit.SECONDS);
                    if (s == null) {
                        continue;
                    }
                    JsonNode n = WsTestClient.JSON.readTree(s);
                    synchronized (this) {
                        switch (n.path("type").asText()) {
                            case "chat" -> chats.add(n.get("id").asText());
                            case "ack" -> {
                                acked.add(n.get("id").asText());
                                if ("delivered".equals(n.path("status").asText())) {
                                    deliveredIds.add(n.get("id").asText());
                                }
                                ackStatuses.add(n.get("status").asText());
                            }
                            case "error" -> throw new AssertionError(self + " got " + s);
                            default -> { }
                        }
                        notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                // Done.
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        void send(String to, String prefix, int count, int window) {
            for (int i = 0; i < count; i++) {
                awaitAcks(i - window);
                client.send(WsTestClient.chat(prefix + "-" + i, self, to, "0" + (i % 10)));
            }
        }

        synchronized void awaitAcks(int n) {
            await(() -> acked.size() >= n, "acks " + n);
        }

        synchronized void awaitChats(int n) {
            await(() -> chats.size() >= n, "chats " + n);
        }

        private void await(java.util.function.BooleanSupplier done, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(self + " waited in vain for " + what + " (chats " + chats.size()
                            + ", acks " + acked.size() + ")");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }

        synchronized List<String> chats() {
            return new ArrayList<>(chats);
        }

        synchronized Set<String> ackStatuses() {
            return new TreeSet<>(ackStatuses);
        }

        /** Waits until {@code n} different frames were acknowledged {@code delivered}. */
        synchronized void awaitDelivered(int n) {
            await(() -> deliveredIds.size() >= n, "delivered acks " + n);
        }

        @Override
        public void close() {
            reader.interrupt();
        }
    }
}
