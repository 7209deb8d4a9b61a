package qstcs.kms.store;

import java.sql.SQLException;
import java.util.Locale;

/**
 * The KMS database refused a statement: its disk is full, its file or directory is read-only, or
 * it cannot be reached. A change that needed it was not made (statements that belong together
 * run in one transaction), so the client gets a clear 503 and may retry; reads served from
 * memory, such as the link status and token checks, go on. The message names the cause in plain
 * words and never the statement or its values.
 */
public final class StorageUnavailableException extends RuntimeException {

    /** Why the database refused. */
    public enum Cause {
        FULL("the disk holding the KMS database is full"),
        READ_ONLY("the KMS database is read-only"),
        FAILED("the KMS database cannot be written");

        private final String words;

        Cause(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Cause cause;

    private StorageUnavailableException(Cause cause, String what, SQLException e) {
        super(what + ": " + cause.words(), e, false, false);
        this.cause = cause;
    }

    /** {@code what} failed (e.g. "recording the enrollment code") because of {@code e}. */
    public static StorageUnavailableException of(String what, SQLException e) {
        return new StorageUnavailableException(classify(e), what, e);
    }

    /** Disk full and read-only as SQLite and PostgreSQL report them; anything else is {@link Cause#FAILED}. */
    static Cause classify(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("disk is full") || m.contains("no space left") || m.contains("sqlite_full")
                    || "53100".equals(t instanceof SQLException s ? s.getSQLState() : null)) {
                return Cause.FULL;
            }
            if (m.contains("readonly") || m.contains("read-only") || m.contains("read only")
                    || "25006".equals(t instanceof SQLException s ? s.getSQLState() : null)) {
                return Cause.READ_ONLY;
            }
        }
        return Cause.FAILED;
    }

    public Cause storageCause() {
        return cause;
    }
}
