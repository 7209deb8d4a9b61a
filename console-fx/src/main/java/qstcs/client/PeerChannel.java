package qstcs.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.seal.KeyRotationPolicy;
import qstcs.crypto.seal.ReplayWindow;
import qstcs.crypto.seal.SealedFrame;

/**
 * The conversation state of this device with one peer: the pair key in use and older keys still
 * accepted, the send sequence, the outbox of messages not yet confirmed by a receipt (kept as
 * plaintext so they can be re-sealed after a reconnect or a re-key), and the ids already shown
 * (de-duplication of retransmissions). Confined to the session's thread: no locking here.
 */
final class PeerChannel {
    /** Older keys stay readable for frames still in flight after a rotation; a few are enough. */
    private static final int KEPT_KEYS = 8;
    /**
     * Ids remembered for de-duplication. A retransmission lags at most the flow-control window
     * behind, but ids are kept across a breach (the replay window is never cleared) so that a
     * message received just before RED and re-sent under the new key is still shown once.
     */
    private static final int REMEMBERED_IDS = 65_536;

    /** An outgoing message until its receipt arrives. */
    static final class Outgoing {
        final String id;
        final String text;
        final Instant time;
        DeliveryState state = DeliveryState.PENDING;
        /** The relay connection (generation) it was last sent on; -1 when it must be (re)sent. */
        long sentOn = -1;
        long sentAtNanos;
        /** When it joined the outbox (monotonic): the relay must take it within the send deadline. */
        long queuedAtNanos;
        /** The key it was last sealed under; null before it was first sealed. */
        String sealedUnder;

        Outgoing(String id, String text, Instant time) {
            this.id = id;
            this.text = text;
            this.time = time;
        }
    }

    private final String me;
    private final String peer;
    private final boolean hybrid;
    private final LinkedHashMap<String, Outgoing> outbox = new LinkedHashMap<>();
    /** QKD pair keys held, oldest first. */
    private final LinkedHashMap<String, IssuedKey> keys = new LinkedHashMap<>();
    /** Sealers ready for use: from the QKD key itself, or (hybrid) from the finished handshake's key. */
    private final Map<String, FrameSealer> sealers = new HashMap<>();
    private final ReplayWindow replay = new ReplayWindow(ReplayWindow.DEFAULT_WINDOW, 64, REMEMBERED_IDS);
    /** Hybrid: our pending handshake for the current key, and the answers we gave (by key_id). */
    private HybridHandshake.Initiator initiator;
    private final Map<String, Answer> answers = new HashMap<>();
    private final Map<String, String> missingAnswers = new HashMap<>();
    private IssuedKey current;
    /** The connection generation our {@code kem_init} was last sent on (-1: send it again). */
    long kemInitSentOn = -1;
    /** The last seq sealed; it only grows, across keys too (see {@link ReplayWindow#startingSeq}). */
    private long sendSeq;
    private long sentUnderCurrent;
    private Instant currentSince = Instant.EPOCH;

    /** A {@code kem_resp} we sent, kept so that a re-delivered {@code kem_init} gets the same answer. */
    record Answer(String initId, KemResp resp) {
    }

    PeerChannel(String me, String peer, boolean hybrid) {
        this.me = me;
        this.peer = peer;
        this.hybrid = hybrid;
    }

    String peer() {
        return peer;
    }

    Optional<IssuedKey> currentKey() {
        return Optional.ofNullable(current);
    }

    boolean hasKey() {
        return current != null;
    }

    /** A key is held and (hybrid) its handshake is done: messages can be sealed. */
    boolean ready() {
        return current != null && sealers.containsKey(current.keyId());
    }

    /** Makes {@code key} the one used for sending from {@code now} on (and accepts frames under it). */
    void useKey(IssuedKey key, Instant now) {
        accept(key);
        if (current == null || !current.keyId().equals(key.keyId())) {
            current = keys.get(key.keyId());
            // Never below a seq this device may have used under the key before (an earlier run).
            sendSeq = Math.max(sendSeq, ReplayWindow.startingSeq(now) - 1);
            sentUnderCurrent = 0;
            currentSince = now;
            abandonInitiator();
        }
    }

    /** Holds {@code key}; without the hybrid handshake its sealer is ready at once. */
    private void accept(IssuedKey key) {
        IssuedKey held = keys.get(key.keyId());
        if (held != null) {
            if (held != key) {
                key.destroy(); // a second copy of a key already held
            }
            return;
        }
        keys.put(key.keyId(), key);
        if (!hybrid) {
            sealers.put(key.keyId(), new FrameSealer(key.keyId(), key.secret()));
        }
        while (keys.size() > KEPT_KEYS) {
            String oldest = keys.keySet().iterator().next();
            if (current != null && oldest.equals(current.keyId())) {
                break;
            }
            forget(oldest);
        }
    }

    boolean knows(String keyId) {
        return keys.containsKey(keyId);
    }

    Optional<IssuedKey> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /** Whether the sending key is used up under {@code policy} at {@code now} (message budget or age). */
    boolean mustRotate(KeyRotationPolicy policy, Instant now) {
        return current != null && policy.mustRotate(sentUnderCurrent, currentSince, now);
    }

    // ---- hybrid handshake state --------------------------------------------------------------------

    /** Our pending handshake for the current key, started on first need, signed and checked with {@code ids}. */
    HybridHandshake.Initiator initiator(PeerIdentities ids) {
        if (initiator == null && current != null && !ready()) {
            initiator = HybridHandshake.initiate(current.secret(), current.keyId(), me, peer, ids.own(), ids.peerKey(peer));
        }
        return initiator;
    }

    Optional<HybridHandshake.Initiator> pendingInitiator(String keyId) {
        return initiator != null && current != null && current.keyId().equals(keyId)
                ? Optional.of(initiator) : Optional.empty();
    }

    void abandonInitiator() {
        if (initiator != null) {
            initiator.destroy();
            initiator = null;
        }
    }

    Optional<Answer> answer(String keyId) {
        return Optional.ofNullable(answers.get(keyId));
    }

    /** The handshake for {@code keyId} finished: seal and open with the hybrid session key from now on. */
    void installHybrid(String keyId, SecretBytes sessionKey, Answer answer) {
        FrameSealer old = sealers.put(keyId, new FrameSealer(keyId, sessionKey));
        if (old != null) {
            old.destroy();
        }
        sessionKey.destroy();
        if (answer != null) {
            answers.put(keyId, answer);
        }
        if (current != null && current.keyId().equals(keyId)) {
            abandonInitiator();
        }
    }

    /** Wipes every key (a breach): nothing sealed under them is readable by this process any more. */
    void wipeKeys() {
        for (String id : new ArrayList<>(keys.keySet())) {
            forget(id);
        }
        sealers.values().forEach(FrameSealer::destroy);
        sealers.clear();
        abandonInitiator();
        answers.clear();
        missingAnswers.clear();
        current = null;
    }

    private void forget(String keyId) {
        FrameSealer c = sealers.remove(keyId);
        if (c != null) {
            c.destroy();
        }
        IssuedKey k = keys.remove(keyId);
        if (k != null) {
            k.destroy();
        }
        answers.remove(keyId);
    }

    Outgoing enqueue(String id, String text, Instant time, long nowNanos) {
        Outgoing o = new Outgoing(id, text, time);
        o.queuedAtNanos = nowNanos;
        outbox.put(id, o);
        return o;
    }

    /** Takes {@code id} out of the outbox (it failed, or was deleted): it is no longer sent by itself. */
    Optional<Outgoing> withdraw(String id) {
        return Optional.ofNullable(outbox.remove(id));
    }

    /**
     * The key service no longer knows {@code keyId}: stop using it. Frames the peer still sends
     * under it stay readable while it is held; sending switches to the next key.
     */
    void retire(String keyId) {
        if (current != null && current.keyId().equals(keyId)) {
            current = null;
            abandonInitiator();
        }
    }

    /**
     * The key this device answered with when the peer's frame came under {@code missingKeyId}, a
     * key the key service no longer knows; remembered so that a burst of such frames costs one
     * key request.
     */
    Optional<IssuedKey> answerFor(String missingKeyId) {
        String k = missingAnswers.get(missingKeyId);
        return k == null ? Optional.empty() : key(k);
    }

    void answeredWith(String missingKeyId, String keyId) {
        missingAnswers.put(missingKeyId, keyId);
    }

    Optional<Outgoing> outgoing(String id) {
        return Optional.ofNullable(outbox.get(id));
    }

    /** Unconfirmed messages in the order they were typed. */
    List<Outgoing> unconfirmed() {
        return new ArrayList<>(outbox.values());
    }

    /** Messages sent on connection {@code generation} and not yet confirmed (the flow-control window). */
    int inFlight(long generation) {
        int n = 0;
        for (Outgoing o : outbox.values()) {
            if (o.sentOn == generation) {
                n++;
            }
        }
        return n;
    }

    /** Forces every unconfirmed message to be sent again (after a reconnect, or when one went missing). */
    void resendAll() {
        outbox.values().forEach(o -> o.sentOn = -1);
        kemInitSentOn = -1;
    }

    /**
     * The tag for our receipt of frame {@code id}, made with the key the frame came under; empty
     * when that key is no longer held (the peer will retransmit under a newer one).
     */
    Optional<String> receiptTag(String id, String keyId) {
        FrameSealer c = sealers.get(keyId);
        return c == null ? Optional.empty() : Optional.of(c.receiptTag(id, me, peer));
    }

    /** Whether the peer's receipt for our frame {@code id} carries a valid tag under a key we hold. */
    boolean receiptGenuine(String id, String keyId, String tag) {
        FrameSealer c = keyId == null ? null : sealers.get(keyId);
        return c != null && c.receiptValid(id, peer, me, tag);
    }

    /** The receipt arrived: the plaintext is no longer needed here. */
    Optional<Outgoing> confirm(String id) {
        return Optional.ofNullable(outbox.remove(id));
    }

    /** Seals {@code o} under the current key with the next sequence number. */
    String seal(Outgoing o) {
        o.sealedUnder = current.keyId();
        sendSeq++;
        sentUnderCurrent++;
        return sealers.get(current.keyId()).seal(o.id, me, peer, sendSeq, o.time.getEpochSecond(),
                o.text.getBytes(StandardCharsets.UTF_8)).toJson();
    }

    /** What the replay window says of {@code frame} before it is opened (changes nothing). */
    ReplayWindow.Verdict screen(SealedFrame frame) {
        return replay.check(frame);
    }

    /**
     * Opens a frame from the peer under a key this channel holds; empty when the replay window has
     * seen it already (same id, or same key and seq). Only authenticated frames move the window.
     */
    Optional<String> open(SealedFrame frame) throws GeneralSecurityException {
        FrameSealer c = sealers.get(frame.keyId());
        if (c == null || !frame.recipient().equals(me) || !frame.sender().equals(peer)) {
            throw new GeneralSecurityException("frame is not for this conversation");
        }
        String text = new String(c.open(frame), StandardCharsets.UTF_8);
        return replay.accept(frame) == ReplayWindow.Verdict.FRESH ? Optional.of(text) : Optional.empty();
    }
}
