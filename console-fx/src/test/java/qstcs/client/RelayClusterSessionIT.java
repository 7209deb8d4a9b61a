package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import qstcs.relay.RelayServer;

/**
 * Two sessions on two relays of a cluster (a real {@code nats-server -js}, started here): the
 * relay of one of them stops mid-stream; that session moves to the other relay of its list by
 * itself and the conversation carries on, every message once and in order; then RED cuts and a
 * reset re-keys through the cluster. Skipped, visibly,
 * where {@code nats-server} is not installed.
 */
class RelayClusterSessionIT {

    @Test
    void aSessionMovesToAnotherRelayOfItsClusterAndCarriesOn() throws Exception {
        Path binary = Path.of("/usr/sbin/nats-server");
        if (!Files.isExecutable(binary)) {
            String reason = "RelayClusterSessionIT SKIPPED: nats-server is not installed (apt-get install nats-server)";
            System.out.println("[console-fx] " + reason);
            System.err.println("[console-fx] " + reason);
            Assumptions.abort(reason);
        }
        LiveServers servers = LiveServers.shared();
        Path store = Files.createTempDirectory("qstcs-nats");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process nats = new ProcessBuilder(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js",
                "-sd", store.toString()).redirectErrorStream(true).redirectOutput(store.resolve("log").toFile()).start();
        try {
            awaitListening(port, nats);
            URI url = URI.create("nats://127.0.0.1:" + port);
            RelayServer r1 = servers.clusterRelay(url, "c1");
            try (RelayServer r2 = servers.clusterRelay(url, "c2")) {
                String first = "ws://127.0.0.1:" + r1.port();
                String second = "ws://127.0.0.1:" + r2.port();
                SessionRecorder a = new SessionRecorder();
                SessionRecorder b = new SessionRecorder();
                try (SecureChatSession alpha = servers.session(servers.config("Cluster_Alpha", first + "," + second), a,
                        "Cluster_Bravo");
                     SecureChatSession bravo = servers.session(servers.config("Cluster_Bravo", second + "," + first), b,
                             "Cluster_Alpha")) {
                    servers.awaitOnline(alpha, bravo);
                    int n = 300;
                    Thread stream = Thread.ofPlatform().start(() -> {
                        for (int i = 1; i <= n; i++) {
                            alpha.send("Cluster_Bravo", "M" + i);
                            bravo.send("Cluster_Alpha", "N" + i);
                            try {
                                Thread.sleep(2); // pacing, so that the relay stops mid-stream
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    SessionRecorder.await(Duration.ofSeconds(20), "the stream is flowing", () -> b.received().size() >= 50);
                    r1.close();
                    stream.join();
                    try {
                        SessionRecorder.await(Duration.ofSeconds(60), "everything arrived after the move",
                                () -> b.received().size() >= n && a.received().size() >= n);
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + ": Alpha has " + a.received().size() + " of Bravo's, Bravo "
                                + b.received().size() + " of Alpha's; Alpha " + alpha.state() + ", Bravo " + bravo.state(), e);
                    }
                    SessionRecorder.settle(alpha, "Cluster_Bravo", b);
                    SessionRecorder.settle(bravo, "Cluster_Alpha", a);
                    assertEquals(ExactlyOnceDeliveryIT.expected("M", n), b.receivedTexts());
                    assertEquals(ExactlyOnceDeliveryIT.expected("N", n), a.receivedTexts());
                    assertTrue(a.states().stream().anyMatch(s -> s.state() == ConnectionState.RECONNECTING),
                            "alpha lost its relay and reconnected");
                    assertTrue(a.states().stream().anyMatch(s -> s.message().equals("Connecting to the relay at " + second + "…")),
                            () -> "alpha's status names the relay it moved to: " + a.states());

                    // RED on the cluster: the relay follows the KMS and cuts; after the reset both
                    // re-key by themselves and talk again through the cluster.
                    servers.forceAttack();
                    SessionRecorder.await(Duration.ofSeconds(10), "both sessions report the compromise",
                            () -> alpha.state() == ConnectionState.COMPROMISED
                                    && bravo.state() == ConnectionState.COMPROMISED);
                    SessionRecorder.await(Duration.ofSeconds(10), "the remaining relay saw RED",
                            () -> "RED".equals(r2.linkStatus()));
                    servers.reset();
                    servers.awaitOnline(alpha, bravo);
                    alpha.send("Cluster_Bravo", "after reset");
                    SessionRecorder.await(Duration.ofSeconds(20), "a message after the reset",
                            () -> b.receivedTexts().contains("after reset"));
                }
            } finally {
                r1.close();
            }
        } finally {
            nats.destroy();
            nats.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(store)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** NATS accepts connections once its JetStream store is ready (milliseconds). */
    private static void awaitListening(int port, Process nats) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && nats.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                nats.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("nats-server did not start listening on " + port);
    }
}
