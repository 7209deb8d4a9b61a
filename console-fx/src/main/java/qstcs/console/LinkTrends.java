package qstcs.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The data behind the console's time-series charts: the history the KMS keeps
 * ({@code GET /admin/history}) for the chosen range, extended by each live round, with markers
 * for breaches, resets, Eve changes and outages (the KMS's own gaps and the console's lost
 * stream). Bounded: at most {@link #MAX_SAMPLES} samples, the oldest dropped. FX thread only.
 */
final class LinkTrends {
    /** The ranges offered: the KMS's names and how far back each reaches. */
    enum Range {
        FIVE_MINUTES("5m", "5 min", Duration.ofMinutes(5)), ONE_HOUR("1h", "1 h", Duration.ofHours(1)),
        SINCE_START("all", "since start", null);

        final String wire;
        final String label;
        final Duration span;

        Range(String wire, String label, Duration span) {
            this.wire = wire;
            this.label = label;
            this.span = span;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One point: the round QBER (fraction), key rate in bit/s and pool in bits. */
    record Sample(Instant at, double qber, double keyRateBps, long poolBits) {
    }

    /** A vertical line on the charts. */
    record Marker(Instant at, String kind, String detail) {
        String label() {
            return switch (kind) {
                case "breach" -> "Breach";
                case "forced_attack" -> "Attack";
                case "reset" -> "Reset";
                case "eve_on" -> "Eve on";
                case "eve_off" -> "Eve off";
                case "gap", "outage" -> "Outage";
                case "start" -> "KMS start";
                default -> kind;
            };
        }
    }

    static final int MAX_SAMPLES = 20_000;

    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    private final ObservableList<Marker> markers = FXCollections.observableArrayList();
    private final ObjectProperty<Range> range = new SimpleObjectProperty<>(this, "range", Range.ONE_HOUR);
    private Instant from = Instant.now().minus(Duration.ofHours(1));

    ObservableList<Sample> samples() {
        return samples;
    }

    ObservableList<Marker> markers() {
        return markers;
    }

    ObjectProperty<Range> rangeProperty() {
        return range;
    }

    /** The earliest time the chosen range shows (moves with the clock for 5 min and 1 h). */
    Instant from(Instant now) {
        Range r = range.get();
        return r.span == null ? from : now.minus(r.span);
    }

    /** Replaces everything with a {@code /admin/history} answer, keeping what came live after it. */
    void loaded(JsonNode answer) {
        List<Sample> list = new ArrayList<>();
        for (JsonNode s : answer.path("samples")) {
            list.add(new Sample(Instant.parse(s.path("at").asText()), s.path("qber").asDouble(),
                    s.path("key_rate_bps").asDouble(), s.path("pool_bits").asLong()));
        }
        List<Marker> marks = new ArrayList<>();
        for (JsonNode m : answer.path("markers")) {
            marks.add(new Marker(Instant.parse(m.path("at").asText()), m.path("kind").asText(), m.path("detail").asText()));
        }
        if (answer.has("from")) {
            from = Instant.parse(answer.path("from").asText());
        }
        // What the live stream added while the history was loading is newer than the answer: kept.
        Instant answered = list.isEmpty() ? Instant.MIN : list.getLast().at();
        samples.stream().filter(s -> s.at().isAfter(answered)).forEach(list::add);
        markers.stream().filter(m -> m.at().isAfter(answered)).forEach(marks::add);
        samples.setAll(list);
        markers.setAll(marks);
    }

    /** A live round. */
    void add(Sample s) {
        samples.add(s);
        Range r = range.get();
        Instant oldest = r.span == null ? from : s.at().minus(r.span);
        int drop = 0;
        while (drop < samples.size() && samples.get(drop).at().isBefore(oldest)) {
            drop++;
        }
        drop = Math.max(drop, samples.size() - MAX_SAMPLES);
        if (drop > 0) {
            samples.remove(0, drop);
        }
    }

    /** A marker seen live (an event, or the console losing the KMS). */
    void mark(Marker m) {
        markers.add(m);
    }

    void clear() {
        samples.clear();
        markers.clear();
    }
}
