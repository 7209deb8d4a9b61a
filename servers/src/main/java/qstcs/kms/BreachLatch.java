package qstcs.kms;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The latched RED on disk, so a restart cannot turn a breach into GREEN: written (and synced)
 * before the link shows RED, removed only by a reset. A latch file the KMS cannot read still
 * means RED: a damaged file must fail closed, not open. A latch that cannot be written (a full
 * or read-only disk) leaves the link RED in memory and is written again on every round until
 * it is on the disk. Not thread-safe: the link state's lock guards it.
 */
final class BreachLatch {
    private static final System.Logger LOG = System.getLogger(BreachLatch.class.getName());

    /** The breach that latched RED: its QBER, when, and whether the operator forced it. */
    record Breach(double qber, Instant at, boolean forced) {
    }

    private final Path file;
    /** A breach whose write failed, written again by {@link #retryUnwritten} until it succeeds. */
    private Breach unwritten;

    private BreachLatch(Path file) {
        this.file = file;
    }

    /** Kept in {@code file}. */
    static BreachLatch at(Path file) {
        return new BreachLatch(file);
    }

    /** Kept nowhere: for link states that live only as long as a test. */
    static BreachLatch none() {
        return new BreachLatch(null);
    }

    /** The breach latched by an earlier run, if any. */
    Optional<Breach> load() {
        if (file == null || !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.of(new Breach(Double.parseDouble(p.getProperty("qber")),
                    Instant.parse(p.getProperty("at")), Boolean.parseBoolean(p.getProperty("forced"))));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "the breach latch " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); the link stays RED until an operator reset");
            return Optional.of(new Breach(0, Instant.EPOCH, false));
        }
    }

    /**
     * Writes the breach through to the disk. A failure is logged, never thrown: the breach itself
     * must still happen in memory.
     */
    void latch(Breach breach) {
        if (file == null) {
            return;
        }
        unwritten = null;
        try {
            write(breach);
        } catch (IOException e) {
            unwritten = breach;
            LOG.log(Level.ERROR, "cannot write the breach latch " + file + ": " + e.getMessage()
                    + "; the link is RED now, and a restart before the write succeeds would not remember it;"
                    + " trying again every round");
        }
    }

    /** Writes a breach whose earlier write failed, if there is one; true once nothing is left unwritten. */
    boolean retryUnwritten() {
        Breach b = unwritten;
        if (b == null) {
            return true;
        }
        try {
            write(b);
            unwritten = null;
            LOG.log(Level.INFO, "the breach latch " + file + " is written now: a restart keeps the link RED");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void write(Breach breach) throws IOException {
        String text = "# QSTCS: the quantum link is latched RED until an operator reset\n"
                + "qber=" + breach.qber() + "\nat=" + breach.at() + "\nforced=" + breach.forced() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next attempt deletes it first
            }
            throw e;
        }
    }

    /** Removes the latch (an operator reset). */
    void clear() {
        unwritten = null;
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot remove the breach latch " + file + ": " + e.getMessage()
                    + "; the next start will come up RED");
        }
    }
}
