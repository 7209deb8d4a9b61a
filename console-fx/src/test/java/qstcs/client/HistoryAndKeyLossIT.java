package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The encrypted history and the key-loss recovery against the real KMS and relay, both restarted:
 * nothing the soldiers typed is lost or shown twice, nothing they typed is readable on disk, and a
 * KMS that forgot its keys costs the sender no error, only a moment of "re-securing".
 */
class HistoryAndKeyLossIT {
    private static LiveServers servers;

    @BeforeAll
    static void start() {
        servers = LiveServers.start(); // its own servers: these tests restart them
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    /** One chat window's worth of SDK: its history, its session and what it reported. */
    private static final class Window implements AutoCloseable {
        final ChatHistory history;
        final SecureChatSession session;
        final SessionRecorder seen = new SessionRecorder();

        Window(Path home, String me, String peer) throws IOException {
            history = ChatHistory.open(home, me);
            session = new SecureChatSession(servers.config(me));
            session.addListener(history.recorder());
            session.addListener(seen);
            session.start(peer);
            history.resumeInto(session);
        }

        String send(String peer, String text) {
            return session.send(peer, text);
        }

        /** The texts from {@code sender} in this history, in order (a duplicate would show twice). */
        List<String> textsFrom(String sender) {
            return history.messages().stream().filter(m -> m.sender().equals(sender)).map(ChatMessage::text).toList();
        }

        boolean allDelivered(List<String> ids) {
            return ids.stream().allMatch(id -> history.outgoing(id).map(m -> m.delivery() == DeliveryState.DELIVERED)
                    .orElse(false));
        }

        @Override
        public void close() {
            session.close();
            history.close();
        }
    }

    private static List<String> texts(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(prefix + " message " + i + " — rendezvous grid " + (4400 + i));
        }
        return out;
    }

    @Test
    void historySurvivesRestartsOfTheChatTheRelayAndTheKmsWithNothingLostOrDoubled() throws Exception {
        Path home = Files.createTempDirectory("qstcs-history-home");
        String a = "Hist_Alpha";
        String b = "Hist_Bravo";
        List<String> first = texts("first", 5);
        List<String> replies = texts("reply", 5);
        List<String> whileAway = texts("while Bravo is away", 5);
        List<String> sentIds = new ArrayList<>();

        Window alpha = new Window(home, a, b);
        Window bravo = new Window(home, b, a);
        servers.awaitOnline(alpha.session, bravo.session);
        for (int i = 0; i < first.size(); i++) {
            sentIds.add(alpha.send(b, first.get(i)));
            bravo.send(a, replies.get(i));
        }
        SessionRecorder.await(Duration.ofSeconds(30), "the first exchange delivered", () -> alpha.allDelivered(sentIds));

        // Bravo closes its window; Alpha keeps typing: the relay queues those for Bravo...
        bravo.close();
        List<String> queued = new ArrayList<>();
        whileAway.forEach(t -> queued.add(alpha.send(b, t)));
        SessionRecorder.await(Duration.ofSeconds(30), "the relay took them (✓)", () -> queued.stream()
                .allMatch(id -> alpha.seen.delivery(id) == DeliveryState.RELAYED));
        alpha.close();
        // ...and then the relay (with its queue) and the KMS (with every key) restart.
        servers.restartRelay();
        servers.restartKms();

        Window alpha2 = new Window(home, a, b);
        Window bravo2 = new Window(home, b, a);
        sentIds.addAll(queued);
        SessionRecorder.await(Duration.ofSeconds(60), "everything delivered after the restarts",
                () -> alpha2.allDelivered(sentIds));
        SessionRecorder.await(Duration.ofSeconds(10), "Bravo's history has them",
                () -> bravo2.textsFrom(a).size() >= first.size() + whileAway.size());
        List<String> expected = new ArrayList<>(first);
        expected.addAll(whileAway);
        assertEquals(expected, alpha2.textsFrom(a), "Alpha's history: every message once, in order");
        assertEquals(expected, bravo2.textsFrom(a), "Bravo's history: every message once, in order");
        assertEquals(replies, bravo2.textsFrom(b));
        assertEquals(replies, alpha2.textsFrom(b));
        assertTrue(alpha2.history.toResume().isEmpty());
        alpha2.close();
        bravo2.close();

        // Nothing anybody typed is readable anywhere under the state home.
        assertNoPlaintextUnder(home, Stream.of(first, replies, whileAway).flatMap(List::stream).toList());
    }

    @Test
    void aKmsRestartMidConversationEndsWithEveryMessageDeliveredUnderANewKeyAndNoError() throws Exception {
        Path home = Files.createTempDirectory("qstcs-keyloss-home");
        String a = "Loss_Alpha";
        String b = "Loss_Bravo";
        Window alpha = new Window(home, a, b);
        Window bravo = new Window(home, b, a);
        servers.awaitOnline(alpha.session, bravo.session);
        String before = alpha.session.keyId(b).orElseThrow();
        List<String> before1 = texts("before the restart", 5);
        List<String> after = texts("after the restart", 10);
        List<String> ids = new ArrayList<>();
        before1.forEach(t -> ids.add(alpha.send(b, t)));
        SessionRecorder.await(Duration.ofSeconds(30), "delivered before", () -> alpha.allDelivered(ids));

        // The KMS restarts and forgets every key, and Bravo's window restarts with it; Alpha still
        // holds the old key and keeps sealing under it.
        bravo.close();
        servers.restartKms();
        after.subList(0, 5).forEach(t -> ids.add(alpha.send(b, t)));
        Window bravo2 = new Window(home, b, a);
        after.subList(5, 10).forEach(t -> ids.add(alpha.send(b, t)));

        SessionRecorder.await(Duration.ofSeconds(60), "every message delivered ✓✓", () -> alpha.allDelivered(ids));
        List<String> expected = new ArrayList<>(before1);
        expected.addAll(after);
        SessionRecorder.await(Duration.ofSeconds(10), "Bravo's history has them",
                () -> bravo2.textsFrom(a).size() >= expected.size());
        assertEquals(expected, bravo2.textsFrom(a), "every message once, in order");
        String now = alpha.session.keyId(b).orElseThrow();
        assertNotEquals(before, now, "under a new key");
        assertEquals(bravo2.session.keyId(a).orElseThrow(), now);
        assertTrue(ids.stream().anyMatch(id -> alpha.seen.deliveryHistory(id).contains(DeliveryState.RESECURING)),
                "the lost key was answered with key_unavailable and the messages went again");
        // The sender is never shown an error: the only thing it may report is that the key
        // service was briefly unreachable (shown as a stale status, not as an error).
        Map<ClientException.Problem, Long> problems = alpha.seen.problems().stream()
                .collect(Collectors.groupingBy(ClientException::problem, Collectors.counting()));
        problems.remove(ClientException.Problem.KMS_UNREACHABLE);
        assertEquals(Map.of(), problems, "sender problems: " + alpha.seen.problems());
        assertTrue(ids.stream().noneMatch(id -> alpha.seen.deliveryHistory(id).contains(DeliveryState.FAILED)));
        assertFalse(bravo2.seen.problems().stream().anyMatch(p -> p.problem() == ClientException.Problem.KEY_GONE),
                "the receiver shows no unknown-key error");
        alpha.close();
        bravo2.close();
    }

    /** Fails if any file under {@code home} holds any of {@code texts} (UTF-8 bytes, as typed). */
    static void assertNoPlaintextUnder(Path home, List<String> texts) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(home)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty());
        Function<Path, String> read = f -> {
            try {
                return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        for (Path f : files) {
            String bytes = read.apply(f);
            for (String t : texts) {
                String raw = new String(t.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(raw), "'" + t + "' readable in " + f);
                assertFalse(bytes.contains("rendezvous grid"), "message text readable in " + f);
            }
        }
    }
}
