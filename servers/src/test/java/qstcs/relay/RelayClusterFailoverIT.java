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

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code ./qstcs relay} in its own JVM (so it can be killed) and waits until it serves. */
    private Process startRelay(Path home, String node, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "qstcs.relay.Main",
                "--home", home.toString(), "--insecure", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--kms", "off", "--cluster", nats.url().toString(), "--node", node)
                .redirectErrorStream(true).start();
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
