package qstcs.server.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StateHomeTest {
    @Test
    void flagWinsAndFilesArePrivate(@TempDir Path tmp) throws Exception {
        StateHome home = StateHome.resolve(Optional.of(tmp.resolve("h").toString()));
        assertEquals(tmp.resolve("h"), home.root());
        Path dir = home.directory("kms");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Path f = StateHome.privateFile(dir.resolve("x.db"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
