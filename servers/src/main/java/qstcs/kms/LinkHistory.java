package qstcs.kms;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

/**
 * What the link did over time, for the console's charts ({@code GET /admin/history}): QBER, key
 * rate and pool size in one-second buckets for the last hour and one-minute buckets before that,
 * plus markers for breaches, resets, Eve changes and gaps in the rounds. Memory is bounded: at
 * most {@link #FINE_CAPACITY} + {@link #COARSE_CAPACITY} samples and {@link #MARKER_CAPACITY}
 * markers, the oldest dropped first. Fed by {@link LinkState} under its lock, so every method is
 * short and synchronised on this object only. Everything is also handed to a
 * {@link MonitoringStore}, and a new start continues from what it kept: "since start" then means
 * since the oldest kept sample, and the time the KMS was down shows as a gap.
 *
 * <p>When several KMS processes share the store's database only the leader has rounds: a
 * process standing by answers from the stored history, which the leader writes about once a
 * second, and a process taking the lead reads it back before its first round, so its charts go
 * on from the old leader's.
 */
final class LinkHistory implements LinkListener {
    /** One bucket: the highest round QBER in it, and the last key rate and pool size. */
    record Sample(Instant at, double qber, double keyRateBps, long poolBits, LinkColour status) {
    }

    /** Something worth a vertical line on a chart. */
    record Marker(Instant at, Kind kind, String detail) {
    }

    /** Marker kinds, written in lower case on the wire. */
    enum Kind {
        BREACH, FORCED_ATTACK, RESET, EVE_ON, EVE_OFF, GAP, START;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The ranges the route offers. */
    enum Range {
        FIVE_MINUTES("5m", Duration.ofMinutes(5)), ONE_HOUR("1h", Duration.ofHours(1)), SINCE_START("all", null);

        final String wire;
        final Duration span;

        Range(String wire, Duration span) {
            this.wire = wire;
            this.span = span;
        }

        static Optional<Range> parse(String text) {
            for (Range r : values()) {
                if (r.wire.equals(text)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    static final int FINE_CAPACITY = 3_600;
    static final int COARSE_CAPACITY = 7 * 24 * 60;
    /** How far back the one-second samples reach. */
    static final Duration FINE_SPAN = Duration.ofHours(1);
    /** How far back the one-minute samples (and the markers) reach. */
    static final Duration COARSE_SPAN = Duration.ofMinutes(COARSE_CAPACITY);
    static final int MARKER_CAPACITY = 1_000;
    /** Rounds further apart than this leave a gap marker (the link loop stalled or the KMS was stopped). */
    static final Duration GAP = Duration.ofSeconds(15);

    private final InstantSource clock;
    private Instant started;
    private final Deque<Sample> fine = new ArrayDeque<>();
    private final Deque<Sample> coarse = new ArrayDeque<>();
    private final Deque<Marker> markers = new ArrayDeque<>();
    private final MonitoringStore store;
    private Instant lastRoundAt;
    /** True while another process leads the link on a shared database: answers come from the store. */
    private volatile boolean following;

    /** A history in memory only. */
    LinkHistory(InstantSource clock) {
        this(clock, MonitoringStore.none());
    }

    /** Continues from what {@code store} kept, and keeps everything new there too. */
    LinkHistory(InstantSource clock, MonitoringStore store) {
        this.clock = clock;
        this.store = store;
        this.following = store.shared();
        Instant now = clock.instant();
        restore(store.history(now), now);
        mark(new Marker(now, Kind.START, "KMS started"));
    }

    /** Replaces what memory holds with {@code kept}; rounds go on from its last sample. */
    private void restore(MonitoringStore.Restored kept, Instant now) {
        coarse.clear();
        fine.clear();
        markers.clear();
        coarse.addAll(kept.coarse());
        fine.addAll(kept.fine());
        markers.addAll(kept.markers());
        started = oldest(kept, now);
        Sample last = fine.isEmpty() ? coarse.peekLast() : fine.getLast();
        lastRoundAt = last == null ? null : last.at();
    }

    /** When the kept history begins (each list is oldest first), or {@code now} when nothing is kept. */
    private static Instant oldest(MonitoringStore.Restored kept, Instant now) {
        Instant oldest = now;
        if (!kept.coarse().isEmpty() && kept.coarse().getFirst().at().isBefore(oldest)) {
            oldest = kept.coarse().getFirst().at();
        }
        if (!kept.fine().isEmpty() && kept.fine().getFirst().at().isBefore(oldest)) {
            oldest = kept.fine().getFirst().at();
        }
        if (!kept.markers().isEmpty() && kept.markers().getFirst().at().isBefore(oldest)) {
            oldest = kept.markers().getFirst().at();
        }
        return oldest;
    }

    /** This process runs the rounds from now on: it continues from the stored history (its own writes first). */
    void lead() {
        store.flush();
        MonitoringStore.Restored kept = store.history(clock.instant());
        synchronized (this) {
            if (store.shared()) {
                restore(kept, clock.instant());
            }
            following = false;
        }
    }

    /** Another process runs the rounds: answers come from what it stores. */
    void standBy() {
        following = store.shared();
    }

    /** The history of {@code range}: samples oldest first (coarse ones only before the fine ones), then markers. */
    View view(Range range) {
        if (following) {
            Instant now = clock.instant();
            MonitoringStore.Restored kept = store.history(now);
            return view(range, now, oldest(kept, now), kept.coarse(), kept.fine(), kept.markers());
        }
        synchronized (this) {
            return view(range, clock.instant(), started, coarse, fine, markers);
        }
    }

    private static View view(Range range, Instant now, Instant started, java.util.Collection<Sample> coarse,
                             java.util.Collection<Sample> fine, java.util.Collection<Marker> markers) {
        // Samples carry whole seconds: the start's own second counts as since start.
        Instant from = range.span == null ? started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                : now.minus(range.span);
        List<Sample> out = new ArrayList<>();
        Instant fineFrom = fine.isEmpty() ? now : fine.iterator().next().at();
        for (Sample s : coarse) {
            if (!s.at().isBefore(from) && s.at().isBefore(fineFrom)) {
                out.add(s);
            }
        }
        for (Sample s : fine) {
            if (!s.at().isBefore(from)) {
                out.add(s);
            }
        }
        List<Marker> marks = markers.stream().filter(m -> !m.at().isBefore(from)).toList();
        return new View(range, from, now, out, marks);
    }

    /** One answer of the route. */
    record View(Range range, Instant from, Instant to, List<Sample> samples, List<Marker> markers) {
    }

    @Override
    public synchronized void roundCompleted(RoundReport round, LinkStatus after) {
        Instant now = clock.instant();
        if (lastRoundAt != null && Duration.between(lastRoundAt, now).compareTo(GAP) > 0) {
            mark(new Marker(lastRoundAt, Kind.GAP, "no round for " + Duration.between(lastRoundAt, now).toSeconds() + " s"));
        }
        lastRoundAt = now;
        double q = Double.isFinite(round.estimatedQber()) ? round.estimatedQber() : after.lastRoundQber();
        store.saveSample(true, add(fine, now, java.time.temporal.ChronoUnit.SECONDS, q, after, FINE_CAPACITY));
        store.saveSample(false, add(coarse, now, java.time.temporal.ChronoUnit.MINUTES, q, after, COARSE_CAPACITY));
        Instant hourAgo = now.minus(FINE_SPAN);
        while (!fine.isEmpty() && fine.getFirst().at().isBefore(hourAgo)) {
            fine.removeFirst();
        }
    }

    /**
     * Adds a round to the bucket {@code bucket} of {@code into}. A sample is stamped with the
     * second of its latest round, not the start of its bucket, so a minute sample never appears
     * earlier than the rounds it stands for (or before the first second sample of the same minute).
     */
    private static Sample add(Deque<Sample> into, Instant now, java.time.temporal.ChronoUnit unit, double qber,
                              LinkStatus after, int capacity) {
        Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Sample last = into.peekLast();
        if (last != null && last.at().truncatedTo(unit).equals(now.truncatedTo(unit))) {
            into.removeLast();
            qber = Math.max(qber, last.qber());
        }
        Sample s = new Sample(at, qber, after.keyRateBps(), after.poolBits(), after.status());
        into.addLast(s);
        while (into.size() > capacity) {
            into.removeFirst();
        }
        return s;
    }

    @Override
    public synchronized void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
        mark(new Marker(clock.instant(), forced ? Kind.FORCED_ATTACK : Kind.BREACH,
                "QBER " + LinkState.percent(qber) + "; " + keysRevoked + " key(s) revoked"
                        + (forced ? " (forced by " + by.actor() + ")" : "")));
    }

    @Override
    public synchronized void eveChanged(boolean active, double rate, String actor) {
        mark(new Marker(clock.instant(), active ? Kind.EVE_ON : Kind.EVE_OFF,
                active ? "intercept rate " + Math.round(rate * 100) + " % by " + actor : "off by " + actor));
    }

    @Override
    public synchronized void linkReset(OperatorAction by, LinkStatus now) {
        mark(new Marker(clock.instant(), Kind.RESET, "reset by " + by.actor()));
    }

    private void mark(Marker m) {
        store.saveMarker(m);
        markers.addLast(m);
        while (markers.size() > MARKER_CAPACITY) {
            markers.removeFirst();
        }
    }

    /** How many samples are held (tests check the bound). */
    synchronized int size() {
        return fine.size() + coarse.size();
    }
}
