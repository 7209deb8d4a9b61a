package qstcs.kms;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Breach alarms: each breach raises one, and it stays until an operator acknowledges it (who and
 * when go to the audit log). A reset does not acknowledge anything: an alarm is a person's
 * confirmation that somebody looked. Bounded: at most {@link #CAPACITY} alarms are kept, and when
 * full the oldest acknowledged one goes first (an unacknowledged one only when none is). Every
 * change is also handed to a {@link MonitoringStore}, from which a new start continues, so an
 * alarm nobody acknowledged is still waiting after a KMS restart.
 */
final class AlarmBook implements LinkListener {
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

    private final InstantSource clock;
    private final AuditLog audit;
    private final EventHub events;
    private final Map<Long, Alarm> alarms = new LinkedHashMap<>();
    private final MonitoringStore store;
    private long nextId = 1;

    AlarmBook(InstantSource clock, AuditLog audit, EventHub events) {
        this(clock, audit, events, MonitoringStore.none());
    }

    /** Continues with the alarms {@code store} kept, and keeps every change there too. */
    AlarmBook(InstantSource clock, AuditLog audit, EventHub events, MonitoringStore store) {
        this.clock = clock;
        this.audit = audit;
        this.events = events;
        this.store = store;
        for (Alarm a : store.alarms()) {
            alarms.put(a.id(), a);
            nextId = Math.max(nextId, a.id() + 1);
        }
    }

    @Override
    public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
        raise(forced ? "forced_attack" : "breach", qber, "link RED at QBER " + LinkState.percent(qber) + "; "
                + keysRevoked + " key(s) revoked" + (forced ? "; forced by " + by.actor() : ""));
    }

    /** Raises an alarm (also for a breach latched before this start). */
    Alarm raise(String kind, double qber, String detail) {
        Alarm a;
        synchronized (this) {
            a = new Alarm(nextId++, clock.instant(), kind, qber, detail, Optional.empty(), Optional.empty());
            alarms.put(a.id(), a);
            store.saveAlarm(a);
            trim();
        }
        events.publish("alarm", KmsJson.alarm(a));
        return a;
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

    /** {@code actor} acknowledges alarm {@code id}; audited and published only when it changes something. */
    Ack acknowledge(long id, String actor, String note) {
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
        audit.append("alarm_acknowledged", actor, "alarm " + id + " (" + done.kind() + " at "
                + done.raisedAt() + ") acknowledged" + (note.isEmpty() ? "" : ": " + note));
        events.publish("alarm", KmsJson.alarm(done));
        return new Ack.Done(done);
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
