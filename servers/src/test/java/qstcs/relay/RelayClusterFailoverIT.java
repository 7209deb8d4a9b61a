package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A relay of a cluster dies ({@code kill -9} of its process) in the middle of two 1,000-frame
 * streams: its device moves to another relay, re-registers and sends again what was not
 * acknowledged (what the client SDK does). Every frame arrives, in order; nothing acknowledged is
 * lost. Skipped, visibly, where {@code nats-server} is not installed.
 */
class RelayClusterFailoverIT {

    private final List<Process> relays = new ArrayList<>();
    private NatsEngine nats;

    @AfterEach
    void stop() throws Exception {
        for (Process p : relays) {
            p.destroyForcibly().waitFor();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void killingARelayMidStreamLosesNothingAcknowledged() throws Exception {
        nats = NatsEngine.startOrSkip("RelayClusterFailoverIT");
        Path home = Files.createTempDirectory("qstcs-relay-home");
        List<Integer> ports = new ArrayList<>();
        for (String node : List.of("r1", "r2", "r3")) {
            int port = freePort();
            relays.add(startRelay(home, node, port));
            ports.add(port);
        }
        // Alpha starts on r1 (the relay that dies) and moves to r3; Bravo stays on r2.
        FailoverDevice alpha = new FailoverDevice("Soldier_Alpha", List.of(ports.get(0), ports.get(2)));
        FailoverDevice bravo = new FailoverDevice("Soldier_Bravo", List.of(ports.get(1)));
        CompletableFuture<Void> killed = new CompletableFuture<>();
        alpha.onAcked(300, () -> {
            relays.getFirst().destroyForcibly();
            killed.complete(null);
        });
        Thread ta = Thread.ofVirtual().start(() -> alpha.send("Soldier_Bravo", "a", 1000, 32));
        Thread tb = Thread.ofVirtual().start(() -> bravo.send("Soldier_Alpha", "b", 1000, 32));
        ta.join();
        tb.join();
        killed.get(60, TimeUnit.SECONDS);
        alpha.awaitAllAcked();
        bravo.awaitAllAcked();
        bravo.awaitChats(1000);
        alpha.awaitChats(1000);
        assertEquals(RelayClusterIT.ChatTraffic.ids("a", 1000), bravo.chats(), "Bravo: every frame of Alpha once, in order");
        assertEquals(RelayClusterIT.ChatTraffic.ids("b", 1000), alpha.chats(), "Alpha: every frame of Bravo once, in order");
        assertTrue(alpha.reconnects() >= 1, "Alpha moved to another relay");
        System.out.println("[servers] RelayClusterFailoverIT: frames seen twice on the wire (dropped by id, as"
                + " clients do): at Alpha " + alpha.wireDuplicates() + ", at Bravo " + bravo.wireDuplicates());
        alpha.close();
        bravo.close();
    }

    /**
     * The recipient stops reading, so frames for it pile up in its relay behind full socket
     * buffers; that relay is killed with frames it has taken from the stream but not written. The
     * recipient reads what the dead relay's kernel still delivers, moves to another relay, and
     * gets every frame its sender's relay acknowledged, once each, in order: the unwritten ones
     * come again from the stream. Nothing here depends on timing: the number of frames is
     * chosen from the kernel's socket buffer limits so that some cannot have left the relay.
     */
    @Test
    void framesARelayHadNotWrittenWhenKilledComeFromTheStreamOnTheNextRelay() throws Exception {
        nats = NatsEngine.startOrSkip("RelayClusterFailoverIT");
        Path home = Files.createTempDirectory("qstcs-relay-home");
        // A backlog far beyond the default outbound budget, so the recipient that does not read
        // is not cut as too slow: its frames stay queued in the relay.
        Files.createDirectories(home.resolve("relay"));
        Files.writeString(home.resolve("relay/application.yaml"), """
                app:
                  limits:
                    outbound-bytes: 536870912
                    queue-frames: 1024
                """);
        int doomedPort = freePort();
        relays.add(startRelay(home, "r1", doomedPort));
        int survivorPort = freePort();
        relays.add(startRelay(home, "r2", survivorPort));

        WsTestClient alpha = WsTestClient.register(WsTestClient.HTTP, survivorPort, "Soldier_Alpha");
        RawWsClient stalled = new RawWsClient(doomedPort, 4096);
        List<String> received = new ArrayList<>();
        stalled.sendText("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\"}");
        readChats(stalled, received, "registered");
        // From here Bravo reads nothing until its relay is dead.

        String body = "0".repeat(60_000);
        int count = (int) (stalled.kernelBufferLimit() / body.length()) + 32;
        assertTrue(count < 1000, "the kernel's buffers allow a test of this size (" + count + " frames)");
        for (int i = 0; i < count; i++) {
            alpha.send(WsTestClient.chat("big-" + i, "Soldier_Alpha", "Soldier_Bravo", body));
        }
        Map<String, String> acks = awaitAcks(alpha, count);

        relays.getFirst().destroyForcibly().waitFor();
        // What the dead relay had written is still in the kernel's buffers: a client reads it,
        // then the end of the connection.
        readChats(stalled, received, null);
        int fromDeadRelay = received.size();
        stalled.close();
        alpha.send(WsTestClient.chat("after-kill", "Soldier_Alpha", "Soldier_Bravo", "00"));
        try (RawWsClient moved = new RawWsClient(survivorPort)) {
            moved.sendText("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\"}");
            readChats(moved, received, "after-kill");
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add("big-" + i);
        }
        expected.add("after-kill");
        List<String> shown = new ArrayList<>(new java.util.LinkedHashSet<>(received));
        assertEquals(expected, shown, "Bravo: every frame Alpha's relay acknowledged, once, in order (" + fromDeadRelay
                + " read from the killed relay's socket)");
        long queued = acks.values().stream().filter("queued"::equals).count();
        assertTrue(queued > 0, "the killed relay had frames it had not written: their sender heard queued, not"
                + " delivered");
        System.out.println("[servers] RelayClusterFailoverIT: " + count + " frames of 60 kB; " + fromDeadRelay
                + " came through the killed relay's socket, " + queued + " were acknowledged queued (unwritten);"
                + " frames seen twice on the wire (dropped by id): " + (received.size() - shown.size()));
        alpha.close();
    }

    /**
     * Reads frames, adding the ids of chats to {@code chats}, until a frame of type (or chat id)
     * {@code until}, or with {@code until} null until the connection ends (a frame cut off by the
     * end is not one: a client drops it, as the relay had not written it whole).
     */
    private static void readChats(RawWsClient c, List<String> chats, String until) throws java.io.IOException {
        while (true) {
            RawWsClient.Frame f;
            try {
                f = c.next();
            } catch (java.io.EOFException cut) {
                f = null;
            }
            if (f == null) {
                break;
            }
            if (f.opcode() != 1) {
                continue;
            }
            JsonNode n = WsTestClient.JSON.readTree(f.text());
            String type = n.path("type").asText();
            if (type.equals("chat")) {
                chats.add(n.get("id").asText());
                if (n.get("id").asText().equals(until)) {
                    return;
                }
            } else if (type.equals("error")) {
                throw new AssertionError("relay error: " + f.text());
            } else if (type.equals(until)) {
                return;
            }
        }
        assertTrue(until == null, "the connection ended before " + until);
    }

    /** Waits until each of {@code count} frames has an ack; its status (the first one heard) by id. */
    private static Map<String, String> awaitAcks(WsTestClient c, int count) throws Exception {
        Map<String, String> status = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (status.size() < count) {
            String s = c.received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertTrue(s != null, "acks for " + status.size() + " of " + count + " frames");
            JsonNode n = WsTestClient.JSON.readTree(s);
            if (n.path("type").asText().equals("ack")) {
                status.putIfAbsent(n.get("id").asText(), n.get("status").asText());
            } else if (n.path("type").asText().equals("error")) {
                throw new AssertionError("relay error: " + s);
            }
        }
        return status;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code ./qstcs relay} in its own JVM (so it can be killed) and waits until it serves. */
    private Process startRelay(Path home, String node, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "qstcs.relay.Main", "--home", home.toString(), "--insecure", "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--kms", "off", "--cluster", nats.url().toString(), "--node", node));
        String io = System.getProperty("qstcs.relay.io");
        if (io != null && !io.isBlank()) {
            // The suite's choice of socket I/O reaches the relay processes too.
            command.addAll(List.of("--io", io));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("Ctrl+C stops the relay")) {
            // The banner's last line says the relay serves.
        }
        assertTrue(line != null, "relay " + node + " did not start");
        Thread.ofVirtual().start(() -> {
            try {
                while (out.readLine() != null) {
                    // Keep the pipe drained.
                }
            } catch (java.io.IOException e) {
                // Process gone.
            }
        });
        return p;
    }

    /**
     * A device that does what the client SDK does when its relay is lost: connects to the next
     * relay, registers, and sends again every frame not yet acknowledged; it shows a frame id once.
     */
    static final class FailoverDevice implements AutoCloseable {
        private final String self;
        private final List<Integer> ports;
        private final Map<String, String> unacked = new LinkedHashMap<>();
        private final List<String> chats = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private int acked;
        private int wireDuplicates;
        private int reconnects;
        private int portIndex;
        private int ackTrigger = -1;
        private Runnable onAcked;
        private volatile WsTestClient connection;
        private volatile boolean closing;
        private final Thread reader;

        FailoverDevice(String self, List<Integer> ports) {
            this.self = self;
            this.ports = ports;
            this.connection = WsTestClient.register(WsTestClient.HTTP, ports.getFirst(), self);
            this.reader = Thread.ofVirtual().start(this::read);
        }

        synchronized void onAcked(int count, Runnable action) {
            this.ackTrigger = count;
            this.onAcked = action;
        }

        private void read() {
            try {
                while (!closing) {
                    WsTestClient c = connection;
                    String s = c.received.poll(200, TimeUnit.MILLISECONDS);
                    if (s == null) {
                        if (c.closed.isDone()) {
                            reconnect();
                        }
                        continue;
                    }
                    JsonNode n = WsTestClient.JSON.readTree(s);
                    Runnable action = null;
                    synchronized (this) {
                        switch (n.path("type").asText()) {
                            case "chat" -> {
                                if (seen.add(n.get("id").asText())) {
                                    chats.add(n.get("id").asText());
                                } else {
                                    wireDuplicates++;
                                }
                            }
                            case "ack" -> {
                                if (unacked.remove(n.get("id").asText()) != null) {
                                    acked++;
                                    if (acked == ackTrigger) {
                                        action = onAcked;
                                    }
                                }
                            }
                            case "error" -> throw new AssertionError(self + " got " + s);
                            default -> { }
                        }
                        notifyAll();
                    }
                    if (action != null) {
                        action.run();
                    }
                }
            } catch (InterruptedException e) {
                // Done.
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        private void reconnect() {
            synchronized (this) {
                portIndex = Math.min(portIndex + 1, ports.size() - 1);
                reconnects++;
                connection = WsTestClient.register(WsTestClient.HTTP, ports.get(portIndex), self);
                for (String frame : unacked.values()) {
                    connection.socket().send(frame);
                }
            }
        }

        void send(String to, String prefix, int count, int window) {
            for (int i = 0; i < count; i++) {
                synchronized (this) {
                    await(() -> unacked.size() < window, "room in the window");
                    String id = prefix + "-" + i;
                    String frame = WsTestClient.chat(id, self, to, "0" + (i % 10));
                    unacked.put(id, frame);
                    connection.socket().send(frame);
                }
            }
        }

        synchronized void awaitAllAcked() {
            await(unacked::isEmpty, "every ack");
        }

        synchronized void awaitChats(int n) {
            await(() -> chats.size() >= n, n + " chats");
        }

        private void await(java.util.function.BooleanSupplier done, String what) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(self + " waited in vain for " + what + " (chats " + chats.size()
                            + ", acked " + acked + ", unacked " + unacked.size() + ")");
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

        synchronized int wireDuplicates() {
            return wireDuplicates;
        }

        synchronized int reconnects() {
            return reconnects;
        }

        @Override
        public void close() {
            closing = true;
            reader.interrupt();
            connection.close();
        }
    }
}
