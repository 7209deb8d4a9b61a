package qstcs.kms;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import qstcs.kms.identity.AccessGrant;
import qstcs.kms.store.SqlDatabase;
import qstcs.kms.store.SqliteDatabase;

/**
 * Security events (breaches, resets, keys created and revoked, Eve toggles, router changes…)
 * appended to the KMS database (an embedded SQLite file, or PostgreSQL shared by several KMS
 * processes, where ids order the entries of all of them). {@link #append} only enqueues, so request threads
 * and the link lock never wait for the disk; a single writer thread inserts in batches. Reads
 * first write whatever is pending, so a reader always sees its own earlier events. Entries the
 * database refuses (a full disk, a read-only file) stay in memory, up to the queue's size, and
 * are written first once it accepts them again, at most a second later. The caller
 * must never pass key material: entries describe events, with key ids at most.
 */
final class AuditLog implements AutoCloseable {
    /** One row; {@code id} orders entries and is the paging cursor. */
    record Entry(long id, Instant at, String kind, String actor, String detail) {
    }

    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final int MAX_DETAIL = 500;

    private record Pending(Instant at, String kind, String actor, String detail) {
    }

    /** The embedded file's schema; PostgreSQL gets the same table from its migrations. */
    static final java.util.List<String> SQLITE_SCHEMA = java.util.List.of("CREATE TABLE IF NOT EXISTS audit ("
            + "id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, "
            + "actor TEXT NOT NULL, detail TEXT NOT NULL)");

    private final SqlDatabase db;
    private final boolean owned;
    /** Serialises batches, so that a reader's {@link #writePending} and the writer never interleave. */
    private final Object writeLock = new Object();
    private final InstantSource clock;
    private static final int CAPACITY = 100_000;
    /** How often entries the database refused are tried again. */
    private static final long RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    /** Entries a failed write left behind, oldest first; guarded by {@link #writeLock}. */
    private final java.util.ArrayDeque<Pending> unwritten = new java.util.ArrayDeque<>();
    /** Entries dropped because the database refused writes for too long; guarded by {@link #writeLock}. */
    private long droppedUnwritten;
    private final Consumer<Entry> onWritten;
    private final Thread writer;
    /** Anonymous refusals folded per source and reason; guarded by itself. */
    private final RefusalDigest refusals = new RefusalDigest(REFUSAL_INTERVAL);
    private volatile boolean closed;

    /** How long anonymous refusals of one source and reason are counted before one entry sums them up. */
    static final java.time.Duration REFUSAL_INTERVAL = java.time.Duration.ofSeconds(10);

    /**
     * Opens (creating 0600 if needed) the embedded {@code file}.
     *
     * @param onWritten called on the writer thread for each stored entry (SSE {@code audit} events)
     */
    static AuditLog open(Path file, InstantSource clock, Consumer<Entry> onWritten) {
        try {
            return new AuditLog(SqliteDatabase.open(file, SQLITE_SCHEMA), true, clock, onWritten);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the audit database " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends to {@code db}, which already holds the {@code audit} table.
     *
     * @param owned     whether {@link #close()} closes {@code db} too (else its opener does)
     * @param onWritten called on the writer thread for each stored entry (SSE {@code audit} events)
     */
    AuditLog(SqlDatabase db, boolean owned, InstantSource clock, Consumer<Entry> onWritten) {
        this.db = db;
        this.owned = owned;
        this.clock = clock;
        this.onWritten = onWritten;
        writer = Thread.ofPlatform().name("kms-audit-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * Enqueues an event; never blocks. If the queue is full (disk stalled) the event is logged instead.
     * An anonymous refusal is written only when it is the first of its source and reason in
     * {@link #REFUSAL_INTERVAL}; the rest are counted into one entry at the end of the interval.
     */
    void append(String kind, String actor, String detail) {
        String d = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail;
        if (RefusalDigest.folds(kind, actor)) {
            synchronized (refusals) {
                if (!refusals.admit(actor, d)) {
                    return;
                }
            }
        }
        enqueue(kind, actor, d);
    }

    private void enqueue(String kind, String actor, String d) {
        if (closed || !queue.offer(new Pending(clock.instant(), kind, actor, d))) {
            LOG.log(System.Logger.Level.WARNING, "audit queue unavailable; dropped event " + kind + ": " + d);
        }
    }

    /** Newest first; {@code before} is an exclusive id cursor ({@code Long.MAX_VALUE} for the newest page). */
    List<Entry> page(int limit, long before) {
        synchronized (writeLock) {
            writePending();
        }
        try {
            return db.call(c -> {
                try (PreparedStatement q = c.prepareStatement(
                        "SELECT id, at_ms, kind, actor, detail FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?")) {
                    q.setLong(1, before);
                    q.setInt(2, limit);
                    List<Entry> out = new ArrayList<>();
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Entry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                    rs.getString(4), rs.getString(5)));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw qstcs.kms.store.StorageUnavailableException.of("reading the audit log", e);
        }
    }

    /** True when the database answers a trivial query (health check). */
    boolean healthy() {
        return db.healthy() && writer.isAlive();
    }

    /** Enqueues one entry per source and reason whose refusals were counted in the interval that ended. */
    private void summariseRefusals() {
        List<RefusalDigest.Summary> summaries;
        synchronized (refusals) {
            summaries = refusals.drain();
        }
        for (RefusalDigest.Summary sum : summaries) {
            enqueue("auth_failure", sum.actor(), sum.detail());
        }
    }

    private void writeLoop() {
        long intervalNanos = REFUSAL_INTERVAL.toNanos();
        long nextSummary = System.nanoTime() + intervalNanos;
        while (!closed) {
            try {
                long wait = nextSummary - System.nanoTime();
                if (wait <= 0) {
                    summariseRefusals();
                    nextSummary = System.nanoTime() + intervalNanos;
                    continue;
                }
                Pending first = queue.poll(Math.min(wait, RETRY_NANOS), java.util.concurrent.TimeUnit.NANOSECONDS);
                synchronized (writeLock) {
                    if (first == null && unwritten.isEmpty()) {
                        continue;
                    }
                    List<Pending> batch = new ArrayList<>(unwritten);
                    unwritten.clear();
                    if (first != null) {
                        batch.add(first);
                    }
                    queue.drainTo(batch, 999);
                    insert(batch);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The caller holds {@link #writeLock}. */
    private void writePending() {
        List<Pending> batch = new ArrayList<>(unwritten);
        unwritten.clear();
        queue.drainTo(batch);
        if (!batch.isEmpty()) {
            insert(batch);
        }
    }

    /** The caller holds {@link #writeLock}. */
    private void insert(List<Pending> batch) {
        List<Entry> written;
        try {
            written = db.call(c -> insert(c, batch));
        } catch (SQLException e) {
            keepUnwritten(batch, e);
            return;
        }
        if (wasRefusing) {
            wasRefusing = false;
            LOG.log(System.Logger.Level.INFO, "the audit database accepts writes again; " + written.size()
                    + " held entr(y/ies) written" + (droppedUnwritten > 0 ? ", " + droppedUnwritten + " lost meanwhile" : ""));
            droppedUnwritten = 0;
        }
        for (Entry e : written) {
            onWritten.accept(e);
        }
    }

    /** Set while the database refuses writes, so that the log says so once, not once a second. */
    private boolean wasRefusing;

    private void keepUnwritten(List<Pending> batch, SQLException e) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            unwritten.addFirst(batch.get(i));
        }
        while (unwritten.size() > CAPACITY) {
            unwritten.removeFirst();
            droppedUnwritten++;
        }
        if (!wasRefusing) {
            wasRefusing = true;
            LOG.log(System.Logger.Level.ERROR, "audit write failed ("
                    + qstcs.kms.store.StorageUnavailableException.of("writing the audit log", e).getMessage()
                    + "); " + unwritten.size() + " entr(y/ies) held in memory and retried every second");
        }
    }

    private static List<Entry> insert(Connection c, List<Pending> batch) throws SQLException {
        return SqlDatabase.inTransaction(c, conn -> {
            List<Entry> written = new ArrayList<>(batch.size());
            try (PreparedStatement ins = conn.prepareStatement(
                    "INSERT INTO audit(at_ms, kind, actor, detail) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (Pending p : batch) {
                    ins.setLong(1, p.at().toEpochMilli());
                    ins.setString(2, p.kind());
                    ins.setString(3, p.actor());
                    ins.setString(4, p.detail());
                    ins.executeUpdate();
                    try (ResultSet keys = ins.getGeneratedKeys()) {
                        long id = keys.next() ? keys.getLong(1) : -1;
                        written.add(new Entry(id, Instant.ofEpochMilli(p.at().toEpochMilli()), p.kind(), p.actor(),
                                p.detail()));
                    }
                }
            }
            return written;
        });
    }

    @Override
    public void close() {
        summariseRefusals();
        closed = true;
        writer.interrupt();
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (writeLock) {
            writePending();
        }
        if (owned) {
            db.close();
        }
    }
}
