package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay goes away mid-stream and comes back on the same port: nothing lost, nothing twice. */
class RelayRestartIT {
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void messagesSurviveARelayRestart() throws Exception {
        SessionRecorder a = new SessionRecorder();
        SessionRecorder b = new SessionRecorder();
        try (SecureChatSession alpha = servers.session("Restart_Alpha", a, "Restart_Bravo");
             SecureChatSession bravo = servers.session("Restart_Bravo", b, "Restart_Alpha")) {
            servers.awaitOnline(alpha, bravo);
            int n = 600;
            Thread stream = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= n; i++) {
                    alpha.send("Restart_Bravo", "M" + i);
                    bravo.send("Restart_Alpha", "N" + i);
                    try {
                        Thread.sleep(1); // pacing, so that the restart falls mid-stream
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            SessionRecorder.await(Duration.ofSeconds(10), "the stream is flowing", () -> b.received().size() >= 100);
            servers.restartRelay();
            stream.join();
            SessionRecorder.await(Duration.ofSeconds(60), "everything arrived after the restart",
                    () -> b.received().size() >= n && a.received().size() >= n);
            SessionRecorder.settle(alpha, "Restart_Bravo", b);
            SessionRecorder.settle(bravo, "Restart_Alpha", a);
            assertEquals(ExactlyOnceDeliveryIT.expected("M", n), b.receivedTexts());
            assertEquals(ExactlyOnceDeliveryIT.expected("N", n), a.receivedTexts());
            assertTrue(a.states().stream().anyMatch(s -> s.state() == ConnectionState.RECONNECTING),
                    "alpha noticed the outage");
        }
    }
}
