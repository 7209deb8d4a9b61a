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
 */
public final class SqliteDatabase implements SqlDatabase {
    private final Path file;
    private final Connection connection;

    private SqliteDatabase(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens {@code file} in WAL mode and runs {@code schema} (idempotent statements such as
     * {@code CREATE TABLE IF NOT EXISTS}).
     */
    public static SqliteDatabase open(Path file, List<String> schema) throws SQLException {
        StateHome.privateFile(file);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=5000");
            for (String statement : schema) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new SqliteDatabase(file, c);
    }

    @Override
    public <T> T call(Work<T> work) throws SQLException {
        synchronized (connection) {
            try {
                return work.run(connection);
            } catch (SQLException e) {
                throw explained(e);
            }
        }
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
        if (!java.nio.file.Files.isWritable(file) || !java.nio.file.Files.isWritable(file.toAbsolutePath().getParent())) {
            return new SQLException("attempt to write a readonly database (" + e.getMessage() + ")", e.getSQLState(),
                    e.getErrorCode(), e);
        }
        return e;
    }

    /** Less free space than this next to the file counts as a full disk (a few pages of WAL). */
    private static final long MIN_FREE_BYTES = 64 * 1024;

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public boolean healthy() {
        synchronized (connection) {
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
        synchronized (connection) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing at shutdown: nothing left to do with it
            }
        }
    }
}
