package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {
    @Test
    void readsTheDesignFlagNames() throws Exception {
        ConsoleOptions o = ConsoleOptions.parse(List.of("--home", "/tmp/q", "--kms", "http://10.0.0.5:8000",
                "--relay", "ws://10.0.0.5:8765"), Map.of());
        assertEquals(Path.of("/tmp/q"), o.home());
        assertEquals("http://10.0.0.5:8000/", o.kmsUrl().toString());
        assertEquals("http://10.0.0.5:8765/", o.relayUrl().toString(), "a ws:// relay address is read over http for /stats");
    }

    @Test
    void defaultsComeFromTheEnvironmentAndTheDesign() throws Exception {
        ConsoleOptions o = ConsoleOptions.parse(List.of(), Map.of("QSTCS_HOME", "/srv/qstcs"));
        assertEquals(Path.of("/srv/qstcs"), o.home());
        assertEquals("https://127.0.0.1:8443/", o.kmsUrl().toString(), "operator routes are TLS-only");
        assertEquals("https://127.0.0.1:8765/", o.relayUrl().toString(), "the relay serves TLS only");
        assertEquals(List.of(), o.dockedChats());
    }

    @Test
    void badInputIsAOneLineMessage() {
        var unknown = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kmz", "x"), Map.of()));
        assertTrue(unknown.getMessage().contains("--kmz"));
        var missing = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kms"), Map.of()));
        assertTrue(missing.getMessage().contains("--kms needs a value"));
        var badUrl = assertThrows(ConsoleOptions.UsageException.class, () -> ConsoleOptions.parse(List.of("--kms", "localhost:8000"), Map.of()));
        assertTrue(badUrl.getMessage().contains("'localhost:8000'"));
        assertThrows(ConsoleOptions.HelpRequested.class, () -> ConsoleOptions.parse(List.of("--help"), Map.of()));
        assertTrue(ConsoleOptions.USAGE.contains("classical simulation"), "--help states the link is simulated");
    }

    @Test
    void docksChatsGivenAsDevicePeerPairs() throws Exception {
        ConsoleOptions o = ConsoleOptions.parse(List.of("--dock-chat", "Soldier_Alpha:Soldier_Bravo"), Map.of());
        assertEquals(List.of(new ConsoleOptions.DockedChat("Soldier_Alpha", "Soldier_Bravo")), o.dockedChats());
        assertFalse(o.freshChatHistory());
        assertTrue(ConsoleOptions.parse(List.of("--dock-chat", "Soldier_Alpha:Soldier_Bravo", "--fresh-chat-history"),
                Map.of()).freshChatHistory());
        org.junit.jupiter.api.Assertions.assertThrows(ConsoleOptions.UsageException.class,
                () -> ConsoleOptions.parse(List.of("--dock-chat", "Soldier_Alpha"), Map.of()));
    }
}
