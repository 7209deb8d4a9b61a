package qstcs.server.common;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    private static final Set<String> VALUES = Set.of("port", "noise", "home");
    private static final Set<String> SWITCHES = Set.of("insecure");

    @Test
    void parsesBothSpellingsAndSwitches() {
        CommandLine c = CommandLine.parse(new String[] {"--port", "8001", "--noise=0.02", "--insecure"}, VALUES, SWITCHES);
        assertEquals(Optional.of(8001), c.integer("port", 0, 65535));
        assertEquals(Optional.of(0.02), c.decimal("noise", 0, 0.5));
        assertTrue(c.isSet("insecure"));
        assertFalse(c.help());
        assertTrue(CommandLine.parse(new String[] {"--help"}, VALUES, SWITCHES).help());
    }

    @Test
    void rejectsWhatIsNotDeclaredOrMalformed() {
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"--prot", "1"}, VALUES, SWITCHES));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"--port"}, VALUES, SWITCHES));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"stray"}, VALUES, SWITCHES));
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"--insecure=yes"}, VALUES, SWITCHES));
        CommandLine c = CommandLine.parse(new String[] {"--port", "70000", "--noise", "abc"}, VALUES, SWITCHES);
        var e = assertThrows(CommandLine.UsageException.class, () -> c.integer("port", 0, 65535));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertThrows(CommandLine.UsageException.class, () -> c.decimal("noise", 0, 0.5));
    }
}
