package qstcs.crypto.home;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateHomeTest {
    @Test
    void flagWinsAndFilesArePrivate(@TempDir Path tmp) throws Exception {
        StateHome home = StateHome.resolve(Optional.of(tmp.resolve("h").toString()), Map.of(StateHome.ENV, "/elsewhere"));
        assertEquals(tmp.resolve("h"), home.root());
        Path dir = home.directory("kms");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Path f = StateHome.privateFile(dir.resolve("x.db"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void theEnvironmentWinsOverTheDefaultAndBlankCountsAsUnset() {
        assertEquals(Path.of("/srv/qstcs"), StateHome.resolve(Optional.empty(), Map.of(StateHome.ENV, "/srv/qstcs")).root());
        Path fallback = Path.of(System.getProperty("user.home"), ".qstcs").toAbsolutePath().normalize();
        assertEquals(fallback, StateHome.resolve(Optional.empty(), Map.of(StateHome.ENV, " ")).root());
        assertEquals(fallback, StateHome.resolve(Optional.of(""), Map.of()).root());
    }
}
