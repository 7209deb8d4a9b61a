package qstcs.crypto.seal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Receiver-side replay protection, one sliding window per (key_id, sender) on {@code seq}, plus a
 * bounded memory of recently accepted frame ids so a message the sender re-sealed after a
 * reconnect (same id, new seq) is recognised too.
 *
 * <p>Use it in two steps around {@link FrameSealer#open}: {@link #check} first (cheap, changes
 * nothing, so unauthenticated junk cannot move the window), then {@link #accept} once the frame
 * has authenticated. A window of {@code w} sequence numbers accepts any seq above the highest seen,
 * and a seq up to {@code w - 1} below it exactly once; older ones are {@link Verdict#TOO_OLD}.
 *
 * <p>Memory is bounded: {@code w} bits per stream, at most {@code maxStreams} streams (the least
 * recently used is forgotten) and {@code maxFrameIds} ids. A forgotten stream would accept its old
 * frames again, so receivers must also drop keys after rotation (a frame under an unknown key_id
 * never opens); with the defaults a receiver forgets a stream only after 4096 newer (key_id, sender)
 * pairs, far beyond any key's rotation lifetime.
 */
public final class ReplayWindow {

    public static final int DEFAULT_WINDOW = 1024;
    public static final int DEFAULT_MAX_STREAMS = 4096;
    public static final int DEFAULT_MAX_FRAME_IDS = 4096;

    /** What a receiver does with a frame. */
    public enum Verdict {
        /** Not seen before: show it (after it authenticated). */
        FRESH,
        /** Seen before (same seq or same frame id): acknowledge it again, do not show it twice. */
        DUPLICATE,
        /** Below the window: cannot be told apart from a replay, so it is dropped. */
        TOO_OLD
    }

    private final int window;
    private final int maxStreams;
    private final int maxFrameIds;
    private final Map<StreamKey, Stream> streams;
    private final Map<String, Boolean> recentFrameIds;

    /** Window of {@value #DEFAULT_WINDOW}, {@value #DEFAULT_MAX_STREAMS} streams, {@value #DEFAULT_MAX_FRAME_IDS} ids. */
    public ReplayWindow() {
        this(DEFAULT_WINDOW, DEFAULT_MAX_STREAMS, DEFAULT_MAX_FRAME_IDS);
    }

    public ReplayWindow(int window, int maxStreams, int maxFrameIds) {
        if (window < 64 || window % 64 != 0) {
            throw new IllegalArgumentException("window must be a positive multiple of 64, got " + window);
        }
        if (maxStreams < 1 || maxFrameIds < 0) {
            throw new IllegalArgumentException("maxStreams must be >= 1 and maxFrameIds >= 0, got "
                    + maxStreams + " and " + maxFrameIds);
        }
        this.window = window;
        this.maxStreams = maxStreams;
        this.maxFrameIds = maxFrameIds;
        this.streams = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<StreamKey, Stream> eldest) {
                return size() > ReplayWindow.this.maxStreams;
            }
        };
        this.recentFrameIds = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > ReplayWindow.this.maxFrameIds;
            }
        };
    }

    /**
     * The first {@code seq} a sender uses under a key, taken at {@code now}: the microseconds since
     * the epoch. Receivers remember (key_id, sender) windows for as long as they hold the key, so a
     * sender that restarted (a chat window closed and opened again) and took up a key it used before
     * must continue above every seq it sent under it, or its new messages would be dropped as
     * replays. Counting from the clock does that without storing anything: a sender would have to
     * seal more than a million frames a second to catch up with it (the chat client sends at most
     * a few hundred). Within a run a sender's seq only ever grows.
     */
    public static long startingSeq(java.time.Instant now) {
        return Math.max(0, Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000));
    }

    /** The verdict for {@code frame} without recording anything. */
    public Verdict check(SealedFrame frame) {
        return check(frame.keyId(), frame.sender(), frame.id(), frame.seq());
    }

    /** Records an authenticated frame; returns {@link Verdict#FRESH} only the first time. */
    public Verdict accept(SealedFrame frame) {
        return accept(frame.keyId(), frame.sender(), frame.id(), frame.seq());
    }

    public synchronized Verdict check(String keyId, String sender, String frameId, long seq) {
        qstcs.crypto.wire.HeaderFields.requireNonNegative("seq", seq);
        if (recentFrameIds.containsKey(idKey(sender, frameId))) {
            return Verdict.DUPLICATE;
        }
        Stream s = streams.get(new StreamKey(keyId, sender));
        return s == null ? Verdict.FRESH : s.verdict(seq);
    }

    public synchronized Verdict accept(String keyId, String sender, String frameId, long seq) {
        Verdict v = check(keyId, sender, frameId, seq);
        if (v != Verdict.FRESH) {
            return v;
        }
        streams.computeIfAbsent(new StreamKey(Objects.requireNonNull(keyId), Objects.requireNonNull(sender)),
                k -> new Stream(window)).record(seq);
        if (maxFrameIds > 0) {
            recentFrameIds.put(idKey(sender, frameId), Boolean.TRUE);
        }
        return Verdict.FRESH;
    }

    /** Forgets everything, e.g. after all keys were revoked. */
    public synchronized void clear() {
        streams.clear();
        recentFrameIds.clear();
    }

    /** Number of (key_id, sender) windows held; never above {@code maxStreams}. */
    public synchronized int trackedStreams() {
        return streams.size();
    }

    /** Number of frame ids remembered; never above {@code maxFrameIds}. */
    public synchronized int trackedFrameIds() {
        return recentFrameIds.size();
    }

    @Override
    public synchronized String toString() {
        return "ReplayWindow[window=" + window + ", streams=" + streams.size() + ", frameIds=" + recentFrameIds.size() + "]";
    }

    private static String idKey(String sender, String frameId) {
        // '/' cannot occur in a device id, so (sender, id) pairs map to distinct strings.
        return sender + "/" + frameId;
    }

    private record StreamKey(String keyId, String sender) {
    }

    /** One sliding bitmap: bit {@code seq mod w} says whether seq was seen, for seq in (highest - w, highest]. */
    private static final class Stream {
        private final long[] seen;
        private final int window;
        private long highest = -1;

        Stream(int window) {
            this.window = window;
            this.seen = new long[window / 64];
        }

        Verdict verdict(long seq) {
            if (seq > highest) {
                return Verdict.FRESH;
            }
            if (highest - seq >= window) {
                return Verdict.TOO_OLD;
            }
            return isSet(seq) ? Verdict.DUPLICATE : Verdict.FRESH;
        }

        void record(long seq) {
            if (seq > highest) {
                if (highest < 0 || seq - highest >= window) {
                    java.util.Arrays.fill(seen, 0L);
                } else {
                    for (long s = highest + 1; s < seq; s++) {
                        clear(s);
                    }
                }
                highest = seq;
            }
            set(seq);
        }

        private boolean isSet(long seq) {
            int bit = (int) (seq % window);
            return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
        }

        private void set(long seq) {
            int bit = (int) (seq % window);
            seen[bit >>> 6] |= 1L << (bit & 63);
        }

        private void clear(long seq) {
            int bit = (int) (seq % window);
            seen[bit >>> 6] &= ~(1L << (bit & 63));
        }
    }
}
