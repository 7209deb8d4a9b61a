package qstcs.console;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qstcs.client.AuditEntry;

/**
 * The entries of the event timeline, newest first: the audit log loaded once, then the entries the
 * event stream adds, each shown once and at most {@link #CAPACITY} kept. FX thread only.
 */
final class AuditTimeline {
    static final int CAPACITY = 200;

    private final ObservableList<AuditEntry> entries = FXCollections.observableArrayList();
    private final ObservableList<AuditEntry> view = FXCollections.unmodifiableObservableList(entries);

    ObservableList<AuditEntry> entries() {
        return view;
    }

    /** An entry from the event stream. */
    void add(AuditEntry entry) {
        if (entry.id() != 0 && entries.stream().anyMatch(a -> a.id() == entry.id())) {
            return;
        }
        entries.addFirst(entry);
        trim();
    }

    /** The log as loaded from the KMS (newest first), under what the stream added meanwhile. */
    void loaded(List<AuditEntry> log) {
        Set<Long> known = new HashSet<>();
        log.forEach(a -> known.add(a.id()));
        // Entries streamed while the log was loading are newer than it; keep them on top.
        List<AuditEntry> streamed = entries.stream().filter(a -> !known.contains(a.id())).toList();
        entries.setAll(streamed);
        entries.addAll(log);
        trim();
    }

    void clear() {
        entries.clear();
    }

    private void trim() {
        if (entries.size() > CAPACITY) {
            entries.remove(CAPACITY, entries.size());
        }
    }
}
