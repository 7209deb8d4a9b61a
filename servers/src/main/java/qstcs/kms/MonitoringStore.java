package qstcs.kms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import qstcs.crypto.link.LinkColour;
import qstcs.kms.store.SqlDatabase;

/**
 * Keeps what the operator's board shows across KMS restarts: the breach alarms (raised,
 * acknowledged, by whom and when) and the link history the console draws (samples and markers),
 * in the KMS database (the embedded SQLite file, or PostgreSQL with {@code --db}). The history is
 * written behind memory: writes are queued and a writer thread stores them about once a second in
 * one transaction, so the link lock never waits for the disk; a bucket updated several times in
 * that second is written once. Alarms are written behind memory too in a private file; in a
 * database {@link #shared()} by several KMS processes the table is their one truth instead: an
 * alarm is numbered by the database when it is inserted, an acknowledgement is one conditional
 * update, and each change is announced to the other processes ({@link #followAlarms}). The
 * tables are bounded like the memory they mirror ({@link LinkHistory}'s spans and capacities,
 * {@link AlarmBook#CAPACITY}). Nothing secret is stored: QBER, rates, pool sizes, words.
 */
final class MonitoringStore implements AutoCloseable {
    /** The embedded file's tables; PostgreSQL gets the same ones from its migrations. */
    static final List<String> SQLITE_SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS alarms (id INTEGER PRIMARY KEY, raised_at_ms INTEGER NOT NULL, kind TEXT NOT NULL, "
                    + "qber REAL NOT NULL, detail TEXT NOT NULL, acknowledged_by TEXT, acknowledged_at_ms INTEGER)",
            "CREATE TABLE IF NOT EXISTS link_samples (resolution TEXT NOT NULL, at_ms INTEGER NOT NULL, qber REAL NOT NULL, "
                    + "key_rate_bps REAL NOT NULL, pool_bits INTEGER NOT NULL, status TEXT NOT NULL, "
                    + "PRIMARY KEY (resolution, at_ms))",
            "CREATE TABLE IF NOT EXISTS link_markers (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, "
                    + "kind TEXT NOT NULL, detail TEXT NOT NULL)");

    /** How often queued changes are written. */
    static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final String FINE = "fine";
    private static final String COARSE = "coarse";
    private static final String ALARM_TOPIC = "alarm";
    private static final String ALARM_COLUMNS = "id, raised_at_ms, kind, qber, detail, acknowledged_by, acknowledged_at_ms";
    private static final System.Logger LOG = System.getLogger(MonitoringStore.class.getName());

    /** What a start reads back: samples and markers oldest first. */
    record Restored(List<LinkHistory.Sample> fine, List<LinkHistory.Sample> coarse, List<LinkHistory.Marker> markers) {
        static final Restored NOTHING = new Restored(List.of(), List.of(), List.of());
    }

    private record SampleKey(String resolution, Instant at) {
    }

    private final SqlDatabase db;
    private final InstantSource clock;
    private final Thread writer;
    /** Pending writes, guarded by {@code this}: an alarm's latest state (empty: forget it), buckets, markers. */
    private Map<Long, Optional<AlarmBook.Alarm>> alarms = new LinkedHashMap<>();
    private Map<SampleKey, LinkHistory.Sample> samples = new LinkedHashMap<>();
    private List<LinkHistory.Marker> markers = new ArrayList<>();
    private volatile boolean closed;
    /** Held while a batch is written, so that a flush returns only when nothing taken is still unwritten. */
    private final Object flushing = new Object();

    /** Reads and writes {@code db}, which already holds the tables. */
    MonitoringStore(SqlDatabase db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
        this.writer = db == null ? null : Thread.ofPlatform().name("kms-board-writer").daemon(true).start(this::writeLoop);
    }

    /** Memory only (unit tests of the history and the alarms). */
    static MonitoringStore none() {
        return new MonitoringStore(null, InstantSource.system());
    }

    // ---- reading back at start --------------------------------------------------------------

    /** The kept alarms, oldest first. */
    List<AlarmBook.Alarm> alarms() {
        if (db == null) {
            return List.of();
        }
        try {
            return db.call(c -> {
                List<AlarmBook.Alarm> out = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement("SELECT " + ALARM_COLUMNS + " FROM alarms ORDER BY id");
                     ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(alarm(rs));
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot read the kept alarms (" + e.getMessage() + "); going on without them");
            return List.of();
        }
    }

    private static AlarmBook.Alarm alarm(ResultSet rs) throws SQLException {
        long ackAt = rs.getLong(7);
        boolean acked = !rs.wasNull();
        return new AlarmBook.Alarm(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                rs.getDouble(4), rs.getString(5), Optional.ofNullable(rs.getString(6)),
                acked ? Optional.of(Instant.ofEpochMilli(ackAt)) : Optional.empty());
    }

    // ---- alarms in a database shared by several KMS processes ---------------------------------

    /** True when other KMS processes use the same tables: alarms are then written through, not behind. */
    boolean shared() {
        return db != null && db.shared();
    }

    /**
     * Inserts a new alarm, numbered by the database, and drops the one {@link AlarmBook}'s rule
     * drops when the table holds more than {@link AlarmBook#CAPACITY}; one transaction.
     */
    AlarmBook.Alarm insertAlarm(Instant raisedAt, String kind, double qber, String detail) throws SQLException {
        return db.call(c -> SqlDatabase.inTransaction(c, conn -> {
            long id;
            try (PreparedStatement ins = conn.prepareStatement("INSERT INTO alarms (raised_at_ms, kind, qber, detail) "
                    + "VALUES (?, ?, ?, ?) RETURNING id")) {
                ins.setLong(1, raisedAt.toEpochMilli());
                ins.setString(2, kind);
                ins.setDouble(3, finite(qber));
                ins.setString(4, detail);
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement trim = conn.prepareStatement("DELETE FROM alarms WHERE id = (SELECT id FROM alarms "
                    + "ORDER BY acknowledged_at_ms IS NULL, id LIMIT 1) AND (SELECT count(*) FROM alarms) > ?")) {
                trim.setInt(1, AlarmBook.CAPACITY);
                trim.executeUpdate();
            }
            return new AlarmBook.Alarm(id, Instant.ofEpochMilli(raisedAt.toEpochMilli()), kind, qber, detail,
                    Optional.empty(), Optional.empty());
        }));
    }

    /** Marks alarm {@code id} acknowledged unless it is already (or gone): true when this call did it. */
    boolean acknowledgeAlarm(long id, String by, Instant at) throws SQLException {
        return db.call(c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE alarms SET acknowledged_by = ?, acknowledged_at_ms = ? "
                    + "WHERE id = ? AND acknowledged_at_ms IS NULL")) {
                up.setString(1, by);
                up.setLong(2, at.toEpochMilli());
                up.setLong(3, id);
                return up.executeUpdate() == 1;
            }
        });
    }

    /** Alarm {@code id} as stored now; empty when there is none (never raised, or dropped). */
    Optional<AlarmBook.Alarm> alarm(long id) throws SQLException {
        return db.call(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + ALARM_COLUMNS + " FROM alarms WHERE id = ?")) {
                q.setLong(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(alarm(rs)) : Optional.<AlarmBook.Alarm>empty();
                }
            }
        });
    }

    /** Tells the other KMS processes that alarm {@code id} was raised or acknowledged here. */
    void announceAlarm(long id) {
        db.announce(ALARM_TOPIC, Long.toString(id));
    }

    /**
     * Calls {@code changed} with the id of every alarm another process raises or acknowledges,
     * and {@code missed} when announcements may have been lost (the alarms are to be read again).
     */
    void followAlarms(java.util.function.LongConsumer changed, Runnable missed) {
        db.listen(ALARM_TOPIC, new SqlDatabase.Listener() {
            @Override
            public void announced(String payload) {
                try {
                    changed.accept(Long.parseLong(payload));
                } catch (NumberFormatException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignored a malformed alarm announcement");
                }
            }

            @Override
            public void mayHaveMissed() {
                missed.run();
            }
        });
    }

    /** The kept history that still falls inside the spans {@link LinkHistory} holds at {@code now}. */
    Restored history(Instant now) {
        if (db == null) {
            return Restored.NOTHING;
        }
        try {
            return db.call(c -> new Restored(
                    samples(c, FINE, now.minus(LinkHistory.FINE_SPAN), LinkHistory.FINE_CAPACITY),
                    samples(c, COARSE, now.minus(LinkHistory.COARSE_SPAN), LinkHistory.COARSE_CAPACITY),
                    markers(c, now.minus(LinkHistory.COARSE_SPAN))));
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot read the kept link history (" + e.getMessage() + "); starting without it");
            return Restored.NOTHING;
        }
    }

    private static List<LinkHistory.Sample> samples(Connection c, String resolution, Instant from, int limit) throws SQLException {
        List<LinkHistory.Sample> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT at_ms, qber, key_rate_bps, pool_bits, status FROM link_samples "
                + "WHERE resolution = ? AND at_ms >= ? ORDER BY at_ms DESC LIMIT ?")) {
            q.setString(1, resolution);
            q.setLong(2, from.toEpochMilli());
            q.setInt(3, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new LinkHistory.Sample(Instant.ofEpochMilli(rs.getLong(1)), rs.getDouble(2), rs.getDouble(3),
                            rs.getLong(4), colour(rs.getString(5))));
                }
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private static List<LinkHistory.Marker> markers(Connection c, Instant from) throws SQLException {
        List<LinkHistory.Marker> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT at_ms, kind, detail FROM link_markers WHERE at_ms >= ? "
                + "ORDER BY id DESC LIMIT ?")) {
            q.setLong(1, from.toEpochMilli());
            q.setInt(2, LinkHistory.MARKER_CAPACITY);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Optional<LinkHistory.Kind> k = kind(rs.getString(2));
                    if (k.isPresent()) {
                        out.add(new LinkHistory.Marker(Instant.ofEpochMilli(rs.getLong(1)), k.get(), rs.getString(3)));
                    }
                }
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private static LinkColour colour(String name) {
        try {
            return LinkColour.valueOf(name);
        } catch (IllegalArgumentException e) {
            return LinkColour.GREEN;
        }
    }

    private static Optional<LinkHistory.Kind> kind(String wire) {
        for (LinkHistory.Kind k : LinkHistory.Kind.values()) {
            if (k.wire().equals(wire)) {
                return Optional.of(k);
            }
        }
        return Optional.empty(); // written by a newer KMS: left out rather than guessed
    }

    // ---- writing behind memory ----------------------------------------------------------------

    /** The alarm's current state (new or acknowledged). */
    synchronized void saveAlarm(AlarmBook.Alarm a) {
        if (db != null) {
            alarms.put(a.id(), Optional.of(a));
        }
    }

    /** The alarm was dropped from the bounded list. */
    synchronized void forgetAlarm(long id) {
        if (db != null) {
            alarms.put(id, Optional.empty());
        }
    }

    /** A second ({@code fine}) or minute bucket's current value. */
    synchronized void saveSample(boolean fine, LinkHistory.Sample s) {
        if (db != null) {
            samples.put(new SampleKey(fine ? FINE : COARSE, s.at()), s);
        }
    }

    synchronized void saveMarker(LinkHistory.Marker m) {
        if (db != null) {
            markers.add(m);
        }
    }

    private void writeLoop() {
        Instant nextPrune = clock.instant();
        while (!closed) {
            try {
                Thread.sleep(FLUSH_EVERY);
            } catch (InterruptedException e) {
                return; // close() writes what is left
            }
            flush();
            if (!clock.instant().isBefore(nextPrune)) {
                prune(clock.instant());
                nextPrune = clock.instant().plus(PRUNE_EVERY);
            }
        }
    }

    /**
     * Writes everything queued so far (the writer each second, a process taking the lead, and
     * close); returns once it is stored, also when the writer had already taken it.
     */
    void flush() {
        synchronized (flushing) {
            flushQueued();
        }
    }

    private void flushQueued() {
        Map<Long, Optional<AlarmBook.Alarm>> a;
        Map<SampleKey, LinkHistory.Sample> s;
        List<LinkHistory.Marker> m;
        synchronized (this) {
            if (alarms.isEmpty() && samples.isEmpty() && markers.isEmpty()) {
                return;
            }
            a = alarms;
            s = samples;
            m = markers;
            alarms = new LinkedHashMap<>();
            samples = new LinkedHashMap<>();
            markers = new ArrayList<>();
        }
        try {
            db.call(c -> SqlDatabase.inTransaction(c, conn -> {
                write(conn, a, s, m);
                return null;
            }));
        } catch (SQLException e) {
            keepUnwritten(a, s, m);
            if (!refusing) {
                refusing = true;
                LOG.log(System.Logger.Level.ERROR, "could not keep the board's state (" + e.getMessage() + "); its "
                        + "changes are held in memory and written once the database takes writes again");
            }
            return;
        }
        if (refusing) {
            refusing = false;
            LOG.log(System.Logger.Level.INFO, "the board's state is written again, with the changes held meanwhile");
        }
    }

    /** Set while the database refuses the board's writes, so that the log says so once. */
    private volatile boolean refusing;

    /**
     * Puts a batch the database refused back in front of what was queued since, to be written
     * with the next flush; held as much as the memory it mirrors holds (the oldest go first).
     */
    private synchronized void keepUnwritten(Map<Long, Optional<AlarmBook.Alarm>> a, Map<SampleKey, LinkHistory.Sample> s,
                                            List<LinkHistory.Marker> m) {
        Map<Long, Optional<AlarmBook.Alarm>> keptAlarms = new LinkedHashMap<>(a);
        keptAlarms.putAll(alarms);
        alarms = keptAlarms;
        Map<SampleKey, LinkHistory.Sample> keptSamples = new LinkedHashMap<>(s);
        keptSamples.putAll(samples);
        for (var it = keptSamples.keySet().iterator();
             keptSamples.size() > LinkHistory.FINE_CAPACITY + LinkHistory.COARSE_CAPACITY && it.hasNext(); ) {
            it.next();
            it.remove();
        }
        samples = keptSamples;
        List<LinkHistory.Marker> keptMarkers = new ArrayList<>(m);
        keptMarkers.addAll(markers);
        if (keptMarkers.size() > LinkHistory.MARKER_CAPACITY) {
            keptMarkers = new ArrayList<>(keptMarkers.subList(keptMarkers.size() - LinkHistory.MARKER_CAPACITY,
                    keptMarkers.size()));
        }
        markers = keptMarkers;
    }

    private static void write(Connection c, Map<Long, Optional<AlarmBook.Alarm>> alarms,
                              Map<SampleKey, LinkHistory.Sample> samples, List<LinkHistory.Marker> markers) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("INSERT INTO alarms (id, raised_at_ms, kind, qber, detail, "
                + "acknowledged_by, acknowledged_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                + "acknowledged_by = excluded.acknowledged_by, acknowledged_at_ms = excluded.acknowledged_at_ms");
             PreparedStatement del = c.prepareStatement("DELETE FROM alarms WHERE id = ?")) {
            for (Map.Entry<Long, Optional<AlarmBook.Alarm>> e : alarms.entrySet()) {
                if (e.getValue().isEmpty()) {
                    del.setLong(1, e.getKey());
                    del.executeUpdate();
                    continue;
                }
                AlarmBook.Alarm x = e.getValue().get();
                up.setLong(1, x.id());
                up.setLong(2, x.raisedAt().toEpochMilli());
                up.setString(3, x.kind());
                up.setDouble(4, finite(x.qber()));
                up.setString(5, x.detail());
                up.setString(6, x.acknowledgedBy().orElse(null));
                if (x.acknowledgedAt().isPresent()) {
                    up.setLong(7, x.acknowledgedAt().get().toEpochMilli());
                } else {
                    up.setNull(7, java.sql.Types.BIGINT);
                }
                up.executeUpdate();
            }
        }
        try (PreparedStatement up = c.prepareStatement("INSERT INTO link_samples (resolution, at_ms, qber, key_rate_bps, "
                + "pool_bits, status) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resolution, at_ms) DO UPDATE SET "
                + "qber = excluded.qber, key_rate_bps = excluded.key_rate_bps, pool_bits = excluded.pool_bits, "
                + "status = excluded.status")) {
            for (Map.Entry<SampleKey, LinkHistory.Sample> e : samples.entrySet()) {
                LinkHistory.Sample x = e.getValue();
                up.setString(1, e.getKey().resolution());
                up.setLong(2, x.at().toEpochMilli());
                up.setDouble(3, finite(x.qber()));
                up.setDouble(4, finite(x.keyRateBps()));
                up.setLong(5, x.poolBits());
                up.setString(6, x.status().name());
                up.executeUpdate();
            }
        }
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO link_markers (at_ms, kind, detail) VALUES (?, ?, ?)")) {
            for (LinkHistory.Marker x : markers) {
                ins.setLong(1, x.at().toEpochMilli());
                ins.setString(2, x.kind().wire());
                ins.setString(3, x.detail());
                ins.executeUpdate();
            }
        }
    }

    /** Drops rows older than the spans the history keeps, and markers beyond its capacity. */
    void prune(Instant now) {
        try {
            db.call(c -> SqlDatabase.inTransaction(c, conn -> {
                try (PreparedStatement d = conn.prepareStatement("DELETE FROM link_samples WHERE resolution = ? AND at_ms < ?")) {
                    d.setString(1, FINE);
                    d.setLong(2, now.minus(LinkHistory.FINE_SPAN).toEpochMilli());
                    d.executeUpdate();
                    d.setString(1, COARSE);
                    d.setLong(2, now.minus(LinkHistory.COARSE_SPAN).toEpochMilli());
                    d.executeUpdate();
                }
                try (PreparedStatement d = conn.prepareStatement("DELETE FROM link_markers WHERE at_ms < ? OR id NOT IN "
                        + "(SELECT id FROM link_markers ORDER BY id DESC LIMIT ?)")) {
                    d.setLong(1, now.minus(LinkHistory.COARSE_SPAN).toEpochMilli());
                    d.setInt(2, LinkHistory.MARKER_CAPACITY);
                    d.executeUpdate();
                }
                return null;
            }));
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not prune the kept link history: " + e.getMessage());
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** Stops the writer and writes what is still queued; the database stays open (its opener closes it). */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        closed = true;
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
