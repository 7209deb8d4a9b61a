package qstcs.kms.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The database behind the device registry and the audit log. Statements are plain SQL that
 * SQLite and PostgreSQL both accept; the schema is each implementation's own business. A
 * database may be {@link #shared()} by several KMS processes, which then tell each other about
 * changes through {@link #announce} and {@link #listen} (a no-op for a private file).
 */
public interface SqlDatabase extends AutoCloseable {

    /** Work on one borrowed connection; it arrives in auto-commit mode and must leave in it. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** What another KMS process announced on a topic this process listens to. */
    interface Listener {
        void announced(String payload);

        /**
         * Announcements may have been missed (the listening connection was lost and is back):
         * drop whatever was cached from them.
         */
        default void mayHaveMissed() {
        }
    }

    /** Runs {@code work} on a connection; callers serialise nothing themselves. */
    <T> T call(Work<T> work) throws SQLException;

    /**
     * Runs {@code work} on {@code c} as one transaction: committed if it returns, rolled back if it
     * throws; {@code c} is back in auto-commit mode either way.
     */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; the health check reports it
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the health check reports it
            }
        }
    }

    /** True when other KMS processes may read and write the same data. */
    boolean shared();

    /** True when the database answers a trivial query. */
    boolean healthy();

    /** Where the data lives, for banners and errors (never a password). */
    String describe();

    /**
     * Tells every other KMS process on this database; {@code topic} is a short lower-case word,
     * {@code payload} at most a few kilobytes. Never blocks for long; a lost announcement is
     * covered by {@link Listener#mayHaveMissed}.
     */
    void announce(String topic, String payload);

    /** Calls {@code listener} for every announcement another process makes on {@code topic}. */
    void listen(String topic, Listener listener);

    @Override
    void close();
}
