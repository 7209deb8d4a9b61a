package qstcs.kms;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import qstcs.kms.store.StorageUnavailableException;

/**
 * Breach alarms: each breach raises one, and it stays until an operator acknowledges it (who and
 * when go to the audit log). A reset does not acknowledge anything: an alarm is a person's
 * confirmation that somebody looked. Bounded: at most {@link #CAPACITY} alarms are kept, and when
 * full the oldest acknowledged one goes first (an unacknowledged one only when none is). Every
 * change is also handed to a {@link MonitoringStore}, from which a new start continues, so an
 * alarm nobody acknowledged is still waiting after a KMS restart.
 *
 * <p>When several KMS processes share the store's database, its table is the one truth and this
 * book mirrors it: the process that raises an alarm has the database number it, an
 * acknowledgement at any process is one conditional update (so it is audited once, by the process
 * that made it), and every change is announced, so each process's list and {@code alarm} events
 * show it. A breach's alarm is written off the link's lock, on this book's own thread.
 */
final class AlarmBook implements LinkListener, AutoCloseable {
    /** One alarm; {@code acknowledgedBy}/{@code acknowledgedAt} are empty until acknowledged. */
    record Alarm(long id, Instant raisedAt, String kind, double qber, String detail,
                 Optional<String> acknowledgedBy, Optional<Instant> acknowledgedAt) {
        boolean acknowledged() {
            return acknowledgedAt.isPresent();
        }
    }

    /** The result of an acknowledgement. */
    sealed interface Ack {
        record Done(Alarm alarm) implements Ack {
        }

        record Unknown() implements Ack {
        }

        record Already(Alarm alarm) implements Ack {
        }
    }

    static final int CAPACITY = 500;
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(AlarmBook.class.getName());

    private final InstantSource clock;
    private final AuditLog audit;
    private final EventHub events;
    private final Map<Long, Alarm> alarms = new LinkedHashMap<>();
    private final MonitoringStore store;
    private long nextId = 1;
    /** Writes a shared store's new alarms off the link's lock, in the order they were raised; null when not shared. */
    private final ExecutorService raiser;
    private volatile boolean closed;

    AlarmBook(InstantSource clock, AuditLog audit, EventHub events) {
        this(clock, audit, events, MonitoringStore.none());
    }

    /** Continues with the alarms {@code store} kept, and keeps every change there too. */
    AlarmBook(InstantSource clock, AuditLog audit, EventHub events, MonitoringStore store) {
        this.clock = clock;
        this.audit = audit;
        this.events = events;
        this.store = store;
        this.raiser = store.shared() ? Executors.newSingleThreadExecutor(Thread.ofPlatform().name("kms-alarm-raise")
                .daemon(true).factory()) : null;
        for (Alarm a : store.alarms()) {
            alarms.put(a.id(), a);
            nextId = Math.max(nextId, a.id() + 1);
        }
    }

    /**
     * Mirrors what the other KMS processes on a shared database raise and acknowledge (a no-op
     * otherwise); returns once announcements are heard.
     */
    void followOtherProcesses() {
        if (store.shared()) {
            store.followAlarms(this::changedElsewhere, this::reload);
        }
    }

    /** Reads every kept alarm again (a process taking the lead, or one that may have missed announcements). */
    void reload() {
        if (!store.shared()) {
            return;
        }
        List<Alarm> kept = store.alarms();
        synchronized (this) {
            // An alarm this process raised while the table was being read is newer than all of it.
            long newest = kept.isEmpty() ? 0 : kept.getLast().id();
            List<Alarm> raisedMeanwhile = alarms.values().stream().filter(a -> a.id() > newest).toList();
            alarms.clear();
            kept.forEach(a -> alarms.put(a.id(), a));
            raisedMeanwhile.forEach(a -> alarms.put(a.id(), a));
        }
    }

    /** Another process raised or acknowledged alarm {@code id}: its stored state replaces ours and reaches our streams. */
    private void changedElsewhere(long id) {
        Optional<Alarm> now;
        try {
            now = store.alarm(id);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read alarm " + id + " another KMS announced (" + e.getMessage()
                    + "); reading all of them again");
            reload();
            return;
        }
        synchronized (this) {
            if (now.isEmpty()) {
                alarms.remove(id);
                return;
            }
            alarms.put(id, now.get());
            trimMirror();
        }
        events.publish("alarm", KmsJson.alarm(now.get()));
    }

    @Override
    public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
        raise(forced ? "forced_attack" : "breach", qber, "link RED at QBER " + LinkState.percent(qber) + "; "
                + keysRevoked + " key(s) revoked" + (forced ? "; forced by " + by.actor() : ""));
    }

    /**
     * Raises an alarm (also for a breach latched before this start). On a shared database it is
     * listed once the database has numbered it, which happens on this book's thread: the caller
     * may hold the link's lock.
     */
    void raise(String kind, double qber, String detail) {
        if (raiser == null) {
            raiseHere(kind, qber, detail);
            return;
        }
        Instant at = clock.instant();
        try {
            raiser.execute(() -> raiseShared(at, kind, qber, detail));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.ERROR, "a " + kind + " alarm came after this KMS closed its alarm book; not stored");
        }
    }

    /** Inserts until the database takes it (a breach's alarm must not be lost to a short outage). */
    private void raiseShared(Instant at, String kind, double qber, String detail) {
        boolean logged = false;
        while (!closed) {
            Alarm a;
            try {
                a = store.insertAlarm(at, kind, qber, detail);
            } catch (SQLException e) {
                if (!logged) {
                    logged = true;
                    LOG.log(System.Logger.Level.ERROR, "could not store a " + kind + " alarm (" + e.getMessage()
                            + "); retrying every " + RETRY.toSeconds() + " s");
                }
                try {
                    Thread.sleep(RETRY);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            synchronized (this) {
                alarms.put(a.id(), a);
                trimMirror();
            }
            events.publish("alarm", KmsJson.alarm(a));
            store.announceAlarm(a.id());
            return;
        }
    }

    private void raiseHere(String kind, double qber, String detail) {
        Alarm a;
        synchronized (this) {
            a = new Alarm(nextId++, clock.instant(), kind, qber, detail, Optional.empty(), Optional.empty());
            alarms.put(a.id(), a);
            store.saveAlarm(a);
            trim();
        }
        events.publish("alarm", KmsJson.alarm(a));
    }

    /** All kept alarms, newest first. */
    synchronized List<Alarm> list() {
        List<Alarm> out = new ArrayList<>(alarms.values());
        java.util.Collections.reverse(out);
        return out;
    }

    synchronized long unacknowledged() {
        return alarms.values().stream().filter(a -> !a.acknowledged()).count();
    }

    /** True when an alarm raised at or after {@code since} still waits for an acknowledgement. */
    synchronized boolean openSince(Instant since) {
        return alarms.values().stream().anyMatch(a -> !a.acknowledged() && !a.raisedAt().isBefore(since));
    }

    /** True if an alarm raised at or after {@code since} is kept, acknowledged or not. */
    synchronized boolean anySince(Instant since) {
        return alarms.values().stream().anyMatch(a -> !a.raisedAt().isBefore(since));
    }

    /** {@code actor} acknowledges alarm {@code id}; audited and published only when it changes something. */
    Ack acknowledge(long id, String actor, String note) {
        if (store.shared()) {
            return acknowledgeShared(id, actor, note);
        }
        Alarm done;
        synchronized (this) {
            Alarm a = alarms.get(id);
            if (a == null) {
                return new Ack.Unknown();
            }
            if (a.acknowledged()) {
                return new Ack.Already(a);
            }
            done = new Alarm(a.id(), a.raisedAt(), a.kind(), a.qber(), a.detail(), Optional.of(actor),
                    Optional.of(clock.instant()));
            alarms.put(id, done);
            store.saveAlarm(done);
        }
        acknowledged(done, actor, note);
        return new Ack.Done(done);
    }

    /** The stored alarm decides: only the process whose update took it audits and announces it. */
    private Ack acknowledgeShared(long id, String actor, String note) {
        Optional<Alarm> now;
        boolean mine;
        try {
            mine = store.acknowledgeAlarm(id, actor, clock.instant());
            now = store.alarm(id);
        } catch (SQLException e) {
            throw StorageUnavailableException.of("acknowledging the alarm", e);
        }
        synchronized (this) {
            if (now.isEmpty()) {
                alarms.remove(id);
                return new Ack.Unknown();
            }
            alarms.put(id, now.get());
        }
        if (!mine) {
            return new Ack.Already(now.get());
        }
        acknowledged(now.get(), actor, note);
        store.announceAlarm(id);
        return new Ack.Done(now.get());
    }

    private void acknowledged(Alarm done, String actor, String note) {
        audit.append("alarm_acknowledged", actor, "alarm " + done.id() + " (" + done.kind() + " at "
                + done.raisedAt() + ") acknowledged" + (note.isEmpty() ? "" : ": " + note));
        events.publish("alarm", KmsJson.alarm(done));
    }

    /**
     * Drops what the bounded list drops, from memory only: on a shared database the process that
     * inserted the alarm dropped the same one from the table in the same transaction.
     */
    private void trimMirror() {
        if (alarms.size() <= CAPACITY) {
            return;
        }
        long drop = alarms.values().stream().filter(Alarm::acknowledged).findFirst()
                .orElse(alarms.values().iterator().next()).id();
        alarms.remove(drop);
    }

    /** Stops this book's thread after the alarms it was still writing (a few seconds at most). */
    @Override
    public void close() {
        if (raiser == null) {
            return;
        }
        raiser.shutdown();
        try {
            if (!raiser.awaitTermination(3, TimeUnit.SECONDS)) {
                closed = true;
                raiser.shutdownNow();
            }
        } catch (InterruptedException e) {
            closed = true;
            raiser.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void trim() {
        if (alarms.size() <= CAPACITY) {
            return;
        }
        for (Iterator<Alarm> it = alarms.values().iterator(); it.hasNext(); ) {
            Alarm a = it.next();
            if (a.acknowledged()) {
                it.remove();
                store.forgetAlarm(a.id());
                return;
            }
        }
        long oldest = alarms.keySet().iterator().next();
        alarms.remove(oldest);
        store.forgetAlarm(oldest);
    }
}
