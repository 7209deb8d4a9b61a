package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.IntegerBinding;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The KMS's breach alarms as the console shows them, newest first: loaded when the stream opens,
 * then kept current by {@code alarm} events (a new alarm, or one somebody acknowledged). An alarm
 * leaves the "unacknowledged" count only through an operator's acknowledgement at the KMS, never
 * through a reset. FX thread only.
 */
final class AlarmBoard {
    /** One alarm; {@code acknowledgedBy} is empty until somebody acknowledged it. */
    record Alarm(long id, Instant raisedAt, String kind, double qber, String detail,
                 Optional<String> acknowledgedBy, Optional<Instant> acknowledgedAt) {
        boolean acknowledged() {
            return acknowledgedAt.isPresent();
        }

        static Alarm fromJson(JsonNode o) {
            return new Alarm(o.path("id").asLong(), Instant.parse(o.path("raised_at").asText()), o.path("kind").asText(),
                    o.path("qber").asDouble(), o.path("detail").asText(),
                    text(o, "acknowledged_by"), text(o, "acknowledged_at").map(Instant::parse));
        }

        private static Optional<String> text(JsonNode o, String field) {
            JsonNode v = o.get(field);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
        }
    }

    private final ObservableList<Alarm> alarms = FXCollections.observableArrayList();
    private final ObservableList<Alarm> view = FXCollections.unmodifiableObservableList(alarms);
    private final IntegerBinding unacknowledged = Bindings.createIntegerBinding(
            () -> (int) alarms.stream().filter(a -> !a.acknowledged()).count(), alarms);

    ObservableList<Alarm> alarms() {
        return view;
    }

    /** How many alarms nobody acknowledged yet. */
    IntegerBinding unacknowledged() {
        return unacknowledged;
    }

    /**
     * The list as {@code GET /admin/alarms} gave it, merged with what the stream delivered while it
     * was loading: an alarm raised after the KMS answered is newer than every listed one and stays
     * on top, and an acknowledgement is never undone by an answer read before it.
     */
    void loaded(JsonNode answer) {
        java.util.List<Alarm> listed = new java.util.ArrayList<>();
        answer.path("alarms").forEach(a -> listed.add(Alarm.fromJson(a)));
        long newestListed = listed.stream().mapToLong(Alarm::id).max().orElse(Long.MIN_VALUE);
        java.util.List<Alarm> merged = new java.util.ArrayList<>();
        for (Alarm shown : alarms) {
            if (shown.id() > newestListed) {
                merged.add(shown);
            }
        }
        for (Alarm a : listed) {
            Alarm shown = alarms.stream().filter(s -> s.id() == a.id()).findFirst().orElse(null);
            merged.add(shown != null && shown.acknowledged() && !a.acknowledged() ? shown : a);
        }
        alarms.setAll(merged);
    }

    /** An {@code alarm} event: a new alarm, or a known one changed (acknowledged). Returns true for a new one. */
    boolean update(Alarm alarm) {
        for (int i = 0; i < alarms.size(); i++) {
            if (alarms.get(i).id() == alarm.id()) {
                alarms.set(i, alarm);
                return false;
            }
        }
        alarms.addFirst(alarm);
        return !alarm.acknowledged();
    }

    void clear() {
        alarms.clear();
    }
}
