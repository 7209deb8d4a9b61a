package qstcs.kms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds floods of anonymous refusals into a few audit entries. The first refusal of a source and
 * reason in an interval is written as it happens (a single mistake stays fully visible); the ones
 * after it only count, and at the end of the interval one entry says how many there were. A flood
 * of bad requests therefore costs the audit log (and the operator's event stream, which shows
 * each entry) one row per source and reason per interval instead of one per request. Not
 * thread-safe: the audit log calls it under its own lock.
 */
final class RefusalDigest {

    /** Refusals of one source and reason held back in the interval that ended. */
    record Summary(String actor, String detail, long count) {
    }

    /** Sources tracked at once; beyond that, all further ones share one counter. */
    static final int MAX_SOURCES = 10_000;
    static final String MANY_SOURCES = "anonymous@(many addresses)";

    private final Duration interval;
    private final Map<String, Held> held = new LinkedHashMap<>();

    private static final class Held {
        final String actor;
        final String firstDetail;
        long count;

        Held(String actor, String firstDetail) {
            this.actor = actor;
            this.firstDetail = firstDetail;
        }
    }

    RefusalDigest(Duration interval) {
        this.interval = interval;
    }

    Duration interval() {
        return interval;
    }

    /** True for the events this digest folds: refusals of callers that presented no valid credential. */
    static boolean folds(String kind, String actor) {
        return "auth_failure".equals(kind) && actor.startsWith("anonymous@");
    }

    /**
     * Notes one anonymous refusal; true when it is the first of its source and reason in this
     * interval and is to be written now, false when it was only counted.
     */
    boolean admit(String actor, String detail) {
        String key = actor + '\n' + reason(detail);
        Held h = held.get(key);
        if (h != null) {
            h.count++;
            return false;
        }
        if (held.size() >= MAX_SOURCES) {
            String overflow = MANY_SOURCES + '\n';
            held.computeIfAbsent(overflow, k -> new Held(MANY_SOURCES, "refusals of further anonymous sources"))
                    .count++;
            return false;
        }
        held.put(key, new Held(actor, detail));
        return true;
    }

    /** The counts of the interval that just ended (only sources with held-back refusals); starts a new one. */
    List<Summary> drain() {
        List<Summary> out = new ArrayList<>();
        for (Held h : held.values()) {
            if (h.count > 0) {
                out.add(new Summary(h.actor, h.firstDetail + " (and " + h.count + " more like it within "
                        + interval.toSeconds() + " s)", h.count));
            }
        }
        held.clear();
        return out;
    }

    /**
     * The part of a refusal that names its cause, e.g. {@code refused (401): no token}: a flood
     * that varies its paths still folds into one entry per cause.
     */
    static String reason(String detail) {
        int at = detail.indexOf(" refused (");
        return at < 0 ? detail : detail.substring(at);
    }
}
