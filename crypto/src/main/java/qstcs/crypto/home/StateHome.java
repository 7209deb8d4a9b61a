package qstcs.crypto.home;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The persistent state directory of every QSTCS program on a machine: {@code --home} wins over
 * {@code $QSTCS_HOME}, which wins over {@code ~/.qstcs}. Directories are created {@code 0700}
 * and files {@code 0600}, because the state holds certificates, tokens, device credentials and
 * the audit log.
 */
public record StateHome(Path root) {
    /** The environment variable naming the state directory. */
    public static final String ENV = "QSTCS_HOME";

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /** The state directory for a {@code --home} flag (if given) and this process's environment. */
    public static StateHome resolve(Optional<String> flag) {
        return resolve(flag, System.getenv());
    }

    /** The state directory for a {@code --home} flag (if given) and the environment {@code env}. */
    public static StateHome resolve(Optional<String> flag, Map<String, String> env) {
        Path root = flag.filter(s -> !s.isBlank()).map(Path::of)
                .or(() -> Optional.ofNullable(env.get(ENV)).filter(s -> !s.isBlank()).map(Path::of))
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".qstcs"));
        return new StateHome(root.toAbsolutePath().normalize());
    }

    /** A sub-directory (e.g. {@code kms}), created 0700 if missing. */
    public Path directory(String name) {
        Path dir = root.resolve(name);
        try {
            createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + dir, e);
        }
        return dir;
    }

    /** Creates {@code file} empty with mode 0600 unless it exists; tightens the mode either way. */
    public static Path privateFile(Path file) {
        try {
            createPrivateDirectories(file.getParent());
            try {
                FileAttribute<?>[] attrs = posix()
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                        : new FileAttribute<?>[0];
                Files.createFile(file, attrs);
            } catch (FileAlreadyExistsException ignored) {
                // keep the existing content
            }
            if (posix()) {
                Files.setPosixFilePermissions(file, FILE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create private file " + file, e);
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createPrivateDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException ignored) {
            return;
        }
        if (posix()) {
            Files.setPosixFilePermissions(dir, DIR);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
