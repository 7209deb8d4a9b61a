package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encrypted history on a real SQLite file: survives a reopen, keeps one copy per id, leaks no text. */
class ChatHistoryTest {
    @TempDir
    Path home;

    private static ChatMessage out(String id, String text, DeliveryState s) {
        return new ChatMessage(id, "Soldier_Bravo", "Soldier_Alpha", text, Instant.parse("2026-12-04T03:00:00Z"),
                true, "key-1", s);
    }

    @Test
    void survivesAReopenWithStatesAndNoDuplicates() throws IOException {
        try (ChatHistory h = ChatHistory.open(home, "Soldier_Alpha")) {
            assertTrue(h.add(out("m1", "first", DeliveryState.PENDING)));
            assertTrue(h.add(out("m2", "second", DeliveryState.HELD)));
            assertFalse(h.add(out("m1", "first", DeliveryState.PENDING)), "one copy per id");
            assertTrue(h.add(new ChatMessage("m1", "Soldier_Bravo", "Soldier_Bravo", "a peer's m1", Instant.EPOCH, false,
                    "key-1", DeliveryState.DELIVERED)), "a peer's message with the same id is another message");
            h.setDelivery("m1", DeliveryState.DELIVERED);
        }
        try (ChatHistory h = ChatHistory.open(home, "Soldier_Alpha")) {
            List<ChatMessage> all = h.messages();
            assertEquals(List.of("first", "second", "a peer's m1"), all.stream().map(ChatMessage::text).toList());
            assertEquals(DeliveryState.DELIVERED, all.get(0).delivery());
            assertEquals(List.of("m2"), h.toResume().stream().map(ChatMessage::id).toList());
            h.delete("m2");
            assertEquals(2, h.messages().size());
        }
    }

    @Test
    void nothingReadableOnDiskAndTheKeyFileIsPrivate() throws IOException {
        String secret = "Rendezvous at grid 4471 at dawn";
        try (ChatHistory h = ChatHistory.open(home, "Soldier_Alpha")) {
            h.add(out("m1", secret, DeliveryState.PENDING));
            h.setDelivery("m1", DeliveryState.SENT);
        }
        Path dir = ChatHistory.directory(home, "Soldier_Alpha");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ChatHistory.KEY_FILE))));
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String needle : List.of("Rendezvous", "grid 4471", "Soldier_Bravo", "key-1")) {
                    assertFalse(bytes.contains(needle), needle + " in " + f);
                }
            }
        }
    }

    @Test
    void forgettingEmptiesTheHistoryAndItsQueueButKeepsTheIdentity() throws IOException {
        try (ChatHistory h = ChatHistory.open(home, "Soldier_Alpha")) {
            h.add(out("m1", "said at the rehearsal", DeliveryState.DELIVERED));
            h.add(out("m2", "still held", DeliveryState.HELD));
        }
        Path dir = ChatHistory.directory(home, "Soldier_Alpha");
        Path identity = Files.writeString(dir.resolve("identity.key"), "stays");
        assertTrue(ChatHistory.forget(home, "Soldier_Alpha"));
        try (ChatHistory h = ChatHistory.open(home, "Soldier_Alpha")) {
            assertEquals(List.of(), h.messages());
            assertEquals(List.of(), h.toResume(), "nothing held from the last run goes out");
        }
        assertTrue(Files.exists(identity));
        assertFalse(ChatHistory.forget(home, "Soldier_Bravo"), "a device without history: nothing to do");
    }
}
