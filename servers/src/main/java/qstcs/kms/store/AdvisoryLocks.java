package qstcs.kms.store;

/**
 * The PostgreSQL advisory locks the KMS takes, as (namespace, id) pairs so they cannot collide
 * with another application's single-number locks on the same database.
 */
final class AdvisoryLocks {
    /** "QSTC" in ASCII. */
    static final int NAMESPACE = 0x51535443;
    /** Held while one KMS applies schema migrations. */
    static final int MIGRATIONS = 1;
    /** Held, on a session of its own, by the KMS that leads the quantum link. */
    static final int LINK_LEAD = 2;

    private AdvisoryLocks() {
    }
}
