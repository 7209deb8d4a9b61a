package qstcs.kms.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import qstcs.crypto.home.StateHome;

/**
 * One embedded SQLite file (created 0600) on one connection, for a single KMS: the default, with
 * nothing to install. Calls are serialised on the connection; nobody else writes the file, so
 * announcements go nowhere.
 * <p>
 * A connection keeps its files open, so it goes on writing to the file system it opened them on.
 * When that one turns read-only (ext4 does after an error) or fails writes, an operator repairs it
 * and mounts it again at the same place; the connection would still be on the broken one. So after
 * such a failure the next call, at most once per {@link #REOPEN_EVERY_NANOS}, opens the file anew
 * and moves to the new connection once it has written through it; until then the old one keeps
 * serving reads.
 */
public final class SqliteDatabase implements SqlDatabase {
    /** How often a connection stuck on a failing file system is replaced by a fresh one at most. */
    private static final long REOPEN_EVERY_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(SqliteDatabase.class.getName());

    private final Path file;
    private final List<String> schema;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Connection connection;
    /** Guarded by {@link #lock}: a write failed the way a broken or read-only file system fails. */
    private boolean stale;
    /** Guarded by {@link #lock}. */
    private long lastReopenNanos;

    private SqliteDatabase(Path file, List<String> schema, Connection connection) {
        this.file = file;
        this.schema = List.copyOf(schema);
        this.connection = connection;
    }

    /**
     * Opens {@code file} in WAL mode and runs {@code schema} (idempotent statements such as
     * {@code CREATE TABLE IF NOT EXISTS}).
     */
    public static SqliteDatabase open(Path file, List<String> schema) throws SQLException {
        StateHome.privateFile(file);
        return new SqliteDatabase(file, schema, connect(file, schema));
    }

    private static Connection connect(Path file, List<String> schema) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            // Every commit is on the disk before it is acknowledged: a file system that fails or
            // turns read-only, like a power cut, would otherwise take the last seconds of
            // enrollments and revocations with it. Commits are few (audit entries go in batches).
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
            for (String statement : schema) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Override
    public <T> T call(Work<T> work) throws SQLException {
        synchronized (lock) {
            if (stale) {
                reopenIfDue();
            }
            try {
                return work.run(connection);
            } catch (SQLException e) {
                SQLException told = explained(e);
                if (StorageUnavailableException.classify(told) == StorageUnavailableException.Cause.READ_ONLY
                        || isIoError(told)) {
                    stale = true;
                }
                throw told;
            }
        }
    }

    /** SQLite's {@code SQLITE_IOERR} family: the file system failed a read, write or sync. */
    private static boolean isIoError(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_IOERR") || m.contains("disk I/O error");
    }

    /**
     * Opens the file anew and moves to that connection if a write through it succeeds (the same
     * schema version written back: a real commit that changes nothing). A failure leaves the old
     * connection in place, for reads, until the next try.
     */
    private void reopenIfDue() {
        long now = System.nanoTime();
        if (lastReopenNanos != 0 && now - lastReopenNanos < REOPEN_EVERY_NANOS) {
            return;
        }
        lastReopenNanos = now;
        if (!java.nio.file.Files.exists(file)) {
            // Not mounted back yet (the directory left empty by the unmount): opening would
            // create a new, empty database there.
            return;
        }
        Connection fresh = null;
        try {
            fresh = connect(file, schema);
            try (Statement s = fresh.createStatement()) {
                int version;
                try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                    version = rs.next() ? rs.getInt(1) : 0;
                }
                s.execute("PRAGMA user_version=" + version);
            }
        } catch (SQLException e) {
            if (fresh != null) {
                try {
                    fresh.close();
                } catch (SQLException ignored) {
                    // never used
                }
            }
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // it was failing anyway; its files are let go either way
        }
        connection = fresh;
        stale = false;
        LOG.log(System.Logger.Level.INFO, "the KMS database " + file + " takes writes again (opened anew)");
    }

    /**
     * SQLite reports a full disk as {@code SQLITE_FULL} only on the statement that hit it; a later
     * commit of the same transaction just says none is active. When the error names no cause,
     * the file system is asked, so that the client hears "disk full" or "read-only" all the same.
     */
    private SQLException explained(SQLException e) {
        if (StorageUnavailableException.classify(e) != StorageUnavailableException.Cause.FAILED) {
            return e;
        }
        try {
            if (java.nio.file.Files.getFileStore(file).getUsableSpace() < MIN_FREE_BYTES) {
                return new SQLException("database or disk is full (" + e.getMessage() + ")", e.getSQLState(),
                        e.getErrorCode(), e);
            }
        } catch (java.io.IOException unknown) {
            return e;
        }
        if (!java.nio.file.Files.isWritable(file) || !java.nio.file.Files.isWritable(file.toAbsolutePath().getParent())
                || !String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT")
                        && refusesNewFiles(file.toAbsolutePath().getParent())) {
            return new SQLException("attempt to write a readonly database (" + e.getMessage() + ")", e.getSQLState(),
                    e.getErrorCode(), e);
        }
        return e;
    }

    /**
     * True if {@code dir}'s file system answers a new file with "read-only file system". Permission
     * bits do not show this: ext4 turned read-only after an error (mounted {@code errors=remount-ro})
     * may still look writable to {@code access(2)} on current kernels, while every write fails and
     * SQLite reports only a "disk I/O error".
     */
    private static boolean refusesNewFiles(Path dir) {
        Path probe = null;
        try {
            probe = java.nio.file.Files.createTempFile(dir, ".write-probe", null);
            return false;
        } catch (java.nio.file.AccessDeniedException denied) {
            return true;
        } catch (java.nio.file.FileSystemException e) {
            return String.valueOf(e.getReason()).toLowerCase(java.util.Locale.ROOT).contains("read-only");
        } catch (java.io.IOException e) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    java.nio.file.Files.deleteIfExists(probe);
                } catch (java.io.IOException ignored) {
                    // a probe left behind is harmless and is tried again next time
                }
            }
        }
    }

    /** Less free space than this next to the file counts as a full disk (a few pages of WAL). */
    private static final long MIN_FREE_BYTES = 64 * 1024;

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public boolean healthy() {
        synchronized (lock) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                return rs.next();
            } catch (SQLException e) {
                return false;
            }
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void announce(String topic, String payload) {
        // a private file: no other process to tell
    }

    @Override
    public void listen(String topic, Listener listener) {
        // a private file: nobody else announces anything
    }

    @Override
    public void close() {
        synchronized (lock) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing at shutdown: nothing left to do with it
            }
        }
    }
}
