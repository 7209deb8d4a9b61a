package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a soldier reads when an address is wrong or the relay turns the device away: words, not traces. */
class PlainWordsErrorsIT {
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.shared();
    }

    @Test
    void aKmsAddressThatIsSomethingElseIsCalledWrong() {
        // A path typo: the host answers, but there is no key service there.
        String notAKms = servers.kmsUrl() + "/kms";
        ClientException e = failure(servers.configAt("Errors_Alpha", notAKms, servers.relayUrl()));
        assertEquals(ClientException.Problem.WRONG_URL, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith(notAKms + " answered, but it is not a QSTCS key service"), e.getMessage());
    }

    /**
     * A key-service call on a thread that is interrupted (a session closing its link watcher) ends
     * in a ClientException, with the interrupt kept: OkHttp throws an undeclared
     * InterruptedException there, which used to escape the watcher as an uncaught exception.
     */
    @Test
    void aCallOnAnInterruptedThreadEndsInWordsWithTheInterruptKept() {
        KmsClient kms = new KmsClient(servers.config("Errors_Interrupted"));
        Thread.currentThread().interrupt();
        try {
            ClientException e = org.junit.jupiter.api.Assertions.assertThrows(ClientException.class, kms::linkStatus);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
            assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anUnreachableRelayIsNamedAndRetriedNotGivenUpOn() {
        String relay = "ws://127.0.0.1:" + freePort();
        SessionRecorder r = new SessionRecorder();
        try (SecureChatSession s = servers.session(servers.config("Errors_Bravo", relay), r, "Errors_Peer")) {
            SessionRecorder.await(Duration.ofSeconds(20), "a second attempt is announced", () -> r.retries().size() >= 2);
            assertEquals(ConnectionState.CONNECTING, s.state(), "still trying, not failed");
            String said = "Cannot reach the relay at " + relay + " (connection refused). Check that the relay is running"
                    + " and the address is right.";
            assertEquals(said, r.states().getLast().message(), "the state line names the relay");
            assertTrue(r.problems().isEmpty() || r.problems().stream().noneMatch(p -> p.getMessage().contains("Exception")));
        }
    }

    @Test
    void aSecondWindowWithTheSameIdEndsTheFirstWithAnExplanation() {
        SessionRecorder first = new SessionRecorder();
        try (SecureChatSession a = servers.session("Errors_Twin", first, "Errors_Peer")) {
            servers.awaitOnline(a);
            try (SecureChatSession b = servers.session("Errors_Twin", new SessionRecorder(), "Errors_Peer")) {
                SessionRecorder.await(Duration.ofSeconds(10), "the first one is turned away",
                        () -> a.state() == ConnectionState.FAILED);
                ClientException e = first.problems().getLast();
                assertEquals(ClientException.Problem.REGISTRATION_REJECTED, e.problem());
                assertEquals("Errors_Twin signed in from another window or machine; this one was disconnected.",
                        e.getMessage());
                servers.awaitOnline(b);
            }
        }
    }

    private static ClientException failure(ClientConfig config) {
        SessionRecorder r = new SessionRecorder();
        try (SecureChatSession s = servers.session(config, r, "Errors_Peer")) {
            SessionRecorder.await(Duration.ofSeconds(20), "the session gives up", () -> s.state() == ConnectionState.FAILED);
            ClientException e = r.problems().getLast();
            assertFalse(e.getMessage().contains("Exception"), e.getMessage());
            assertEquals(e.getMessage(), r.states().getLast().message(), "the state line says the same");
            return e;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
