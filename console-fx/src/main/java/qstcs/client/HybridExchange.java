package qstcs.client;

import java.util.Optional;
import qstcs.crypto.keys.HandshakeFailedException;
import qstcs.crypto.keys.HybridHandshake;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.keys.SecretBytes;

/**
 * The decisions of the hybrid ML-KEM exchange for one conversation: when to offer our
 * {@code kem_init}, how to answer the peer's (the same answer to a re-delivered one; when both
 * sides offered at once, the smaller device id's exchange is the one both finish), and when a
 * {@code kem_resp} completes ours. It sends nothing itself: each step says what to send and what
 * happened, so the session stays the only place that talks to the relay. Both frames are signed
 * with this device's identity key and must carry the peer's signature when its key is known
 * ({@link PeerIdentities}); an unsigned or wrongly signed frame counts as tampering.
 */
final class HybridExchange {

    /** What a step did to the conversation. */
    enum Result {
        /** Not for us, already finished, or lost the tie: nothing changed. */
        IGNORED,
        /** The transcript failed its MAC or identity signature: someone on the path tampered with it. */
        TAMPERED,
        /** A {@code kem_init} we answered before: the same answer goes again, nothing else changes. */
        REPEATED,
        /** The exchange finished: the conversation now seals with the hybrid session key. */
        COMPLETED,
        /**
         * The peer's identity key at the key service is no longer the one our offer expected (the
         * peer re-installed, or published its key after we asked): our offer was dropped and a new
         * one, checked against the current key, should go.
         */
        RESTARTED
    }

    /** A step's result and the frame to send for it, if any. */
    record Step(Result result, Optional<String> reply) {
        static final Step IGNORED = new Step(Result.IGNORED, Optional.empty());
        static final Step TAMPERED = new Step(Result.TAMPERED, Optional.empty());
    }

    private final String me;
    private final PeerIdentities identities;

    HybridExchange(String me, PeerIdentities identities) {
        this.me = me;
        this.identities = identities;
    }

    /**
     * Our {@code kem_init} for {@code c}'s current key, if one should go on the connection
     * {@code generation}: a key is held, it is not usable yet, and this connection has not carried
     * the offer.
     */
    Optional<String> offer(PeerChannel c, long generation) {
        if (!c.hasKey() || c.ready() || c.kemInitSentOn == generation) {
            return Optional.empty();
        }
        HybridHandshake.Initiator i = c.initiator(identities);
        return i == null ? Optional.empty() : Optional.of(i.kemInit().toJson());
    }

    /** Answers the peer's {@code init}; {@code c} already holds the QKD key it names. */
    Step answer(PeerChannel c, KemInit init) {
        Optional<PeerChannel.Answer> given = c.answer(init.keyId());
        if (given.isPresent() && given.get().initId().equals(init.id())) {
            return new Step(Result.REPEATED, Optional.of(given.get().resp().toJson()));
        }
        boolean oursWins = c.pendingInitiator(init.keyId()).isPresent() && me.compareTo(init.sender()) < 0;
        HybridHandshake.Response r;
        try {
            r = HybridHandshake.respond(c.key(init.keyId()).orElseThrow().secret(), init.keyId(), me, init,
                    identities.own(), identities.peerKey(init.sender()));
        } catch (HandshakeFailedException e) {
            return Step.TAMPERED;
        }
        if (oursWins) {
            r.sessionKey().destroy();
            return Step.IGNORED;
        }
        c.abandonInitiator();
        c.installHybrid(init.keyId(), r.sessionKey(), new PeerChannel.Answer(init.id(), r.kemResp()));
        return new Step(Result.COMPLETED, Optional.of(r.kemResp().toJson()));
    }

    /** Completes our pending exchange with the peer's {@code resp}. */
    Step complete(PeerChannel c, KemResp resp) {
        Optional<HybridHandshake.Initiator> pending = c.pendingInitiator(resp.keyId());
        if (pending.isEmpty()) {
            return Step.IGNORED; // an answer to an exchange already finished or abandoned
        }
        try {
            SecretBytes session = pending.get().complete(resp);
            c.installHybrid(resp.keyId(), session, null);
            return new Step(Result.COMPLETED, Optional.empty());
        } catch (HandshakeFailedException e) {
            // A forged answer must not abort the offer the genuine answer will still complete; only
            // an offer that can never complete (it expects a key the peer no longer has) is replaced.
            if (resp.signed() && !identities.peerKey(c.peer()).equals(pending.get().peerKey())) {
                c.abandonInitiator();
                c.kemInitSentOn = -1;
                return new Step(Result.RESTARTED, Optional.empty());
            }
            return Step.TAMPERED;
        } catch (IllegalStateException e) {
            return Step.IGNORED;
        }
    }
}
