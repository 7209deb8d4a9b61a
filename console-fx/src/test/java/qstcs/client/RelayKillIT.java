package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a single relay process (its offline queue lives in its memory) while it
 * holds frames it acknowledged {@code queued} for an offline device and while more are on their
 * way. The relay's acknowledgement is only ✓; the sender keeps every message until the peer's
 * receipt (✓✓) and sends it again after reconnecting, so once a relay runs on the port again
 * both devices reconnect by themselves and every message arrives exactly once.
 */
class RelayKillIT {
    private static final Pattern WS_URL = Pattern.compile("ws://127\\.0\\.0\\.1:(\\d+)\\s");
    private static LiveServers servers;
    private final List<Process> relays = new ArrayList<>();

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @AfterEach
    void stopRelays() throws InterruptedException {
        for (Process p : relays) {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void framesAcknowledgedQueuedSurviveAKill9OfTheRelay() throws Exception {
        int port = startRelay(0);
        String relayUrl = "ws://127.0.0.1:" + port;
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        int n = 40;
        List<String> ids = new ArrayList<>();
        try (SecureChatSession alpha = servers.session(servers.config("Kill_Alpha", relayUrl), a, "Kill_Bravo")) {
            try (SecureChatSession bravo = servers.session(servers.config("Kill_Bravo", relayUrl), b, "Kill_Alpha")) {
                servers.awaitOnline(alpha, bravo);
            }
            // Bravo is offline: the relay acknowledges Alpha's frames as queued (✓) and holds them in memory.
            for (int i = 1; i <= n / 2; i++) {
                ids.add(alpha.send("Kill_Bravo", "Q" + i));
            }
            SessionRecorder.await(Duration.ofSeconds(20), "the relay acknowledged every frame (queued)",
                    () -> ids.stream().allMatch(id -> a.delivery(id) == DeliveryState.RELAYED));

            // Killed with those frames queued and more on their way.
            Thread more = Thread.ofPlatform().start(() -> {
                for (int i = n / 2 + 1; i <= n; i++) {
                    synchronized (ids) {
                        ids.add(alpha.send("Kill_Bravo", "Q" + i));
                    }
                }
            });
            relays.getLast().destroyForcibly();
            relays.getLast().waitFor(20, TimeUnit.SECONDS);
            more.join();
            startRelay(port);

            try (SecureChatSession bravo = servers.session(servers.config("Kill_Bravo", relayUrl), b, "Kill_Alpha")) {
                servers.awaitOnline(alpha, bravo); // Alpha back on the new relay by itself
                SessionRecorder.await(Duration.ofSeconds(60), "every message reached Bravo after the relay's death",
                        () -> b.received().size() >= n);
                SessionRecorder.settle(alpha, "Kill_Bravo", b);
                assertEquals(qstcs.client.ExactlyOnceDeliveryIT.expected("Q", n), b.receivedTexts(),
                        "in order, nothing lost, nothing twice");
                SessionRecorder.await(Duration.ofSeconds(20), "Alpha sees every message confirmed (✓✓)",
                        () -> ids.stream().allMatch(id -> a.delivery(id) == DeliveryState.DELIVERED));
                assertTrue(a.states().stream().anyMatch(s -> s.state() == ConnectionState.RECONNECTING),
                        "Alpha noticed the relay's death and reconnected by itself");
            }
        }
    }

    /** Starts {@code qstcs.relay.Main} as its own process on {@code port} (0: a free one); returns the port. */
    private int startRelay(int port) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return launch(port);
            } catch (IllegalStateException notBound) {
                if (port == 0 || attempt >= 20) {
                    throw notBound;
                }
                Thread.sleep(200); // the killed relay's port is not free yet: a pause before the next attempt
            }
        }
    }

    private int launch(int port) throws Exception {
        Path home = Files.createTempDirectory("qstcs-relay-kill");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), "qstcs.relay.Main",
                "--home", home.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port), "--kms", "off",
                "--insecure").redirectErrorStream(true).start();
        relays.add(p);
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("relay-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = WS_URL.matcher(line);
                    if (m.find()) {
                        bound.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            bound.completeExceptionally(new IllegalStateException("the relay exited:\n" + output));
        });
        try {
            return bound.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        }
    }
}
