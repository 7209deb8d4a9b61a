package qstcs.kms.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Leadership among KMS processes on one PostgreSQL database: the leader holds a session-level
 * advisory lock on a connection of its own. PostgreSQL releases the lock the moment that
 * session ends, so when the leader dies (even by {@code kill -9}) a standby's next attempt
 * succeeds; standbys try every {@link #POLL}. The leader checks its session just as often and
 * stands by as soon as it is broken, since another process may then already lead.
 */
public final class AdvisoryLockLeadership implements LinkLeadership {
    /** How often a standby tries for the lock and the leader checks it still holds it. */
    public static final Duration POLL = Duration.ofMillis(500);
    private static final System.Logger LOG = System.getLogger(AdvisoryLockLeadership.class.getName());
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(" + AdvisoryLocks.NAMESPACE + ", "
            + AdvisoryLocks.LINK_LEAD + ")";

    private final PostgresDatabase database;
    private final Thread thread;
    private volatile boolean leads;
    private final java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    private volatile Transitions transitions;
    private Connection session;

    public AdvisoryLockLeadership(PostgresDatabase database) {
        this.database = database;
        this.thread = Thread.ofPlatform().name("kms-link-lead").daemon(true).unstarted(this::run);
    }

    @Override
    public boolean leads() {
        return leads;
    }

    @Override
    public void start(Transitions transitions) {
        this.transitions = transitions;
        thread.start();
    }

    private void run() {
        while (!closed) {
            if (leads) {
                if (!sessionAlive()) {
                    leads = false;
                    closeSession();
                    LOG.log(System.Logger.Level.WARNING, "lost the database session holding the link lead; standing by");
                    transitions.standBy();
                }
            } else if (tryLock()) {
                leads = true;
                transitions.lead();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** How many times this process has asked for the lock (tests await a refused attempt). */
    long attempts() {
        return attempts.get();
    }

    private boolean tryLock() {
        attempts.incrementAndGet();
        try {
            if (session == null || session.isClosed()) {
                session = database.dedicatedConnection();
            }
            try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery(TRY_LOCK)) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            closeSession();
            return false;
        }
    }

    private boolean sessionAlive() {
        try (Statement s = session.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                // already broken
            }
            session = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leads = false;
        closeSession(); // ends the session, which releases the lock for a standby at once
    }
}
