package qstcs.crypto.keys;

import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.Optional;
import javax.security.auth.Destroyable;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityKeyPair;
import qstcs.crypto.wire.HeaderFields;

/**
 * The hybrid post-quantum handshake of docs/protocol.md: two devices that share a QKD pair key
 * {@code k_qkd} (named by {@code key_id}) add a fresh ML-KEM-768 exchange, so the resulting session
 * key is safe even if the KMS that issued {@code k_qkd} is compromised, and safe against a
 * quantum attacker as long as either ingredient holds.
 *
 * <h2>Construction</h2>
 * {@code enc(…)} is {@link qstcs.crypto.wire.CanonicalEncoding} (4-byte length + UTF-8 / bytes).
 * <pre>
 * mac_key = HKDF-SHA256(IKM = k_qkd, salt = none,
 *                       info = enc("QSTCS-Hybrid-PQC transcript MAC", key_id), L = 32)
 *
 * Initiator A                                  Responder B
 *   (ek, dk) = ML-KEM-768.KeyGen()
 *   mac_i = HMAC-SHA256(mac_key, enc("qstcs/1 kem_init", id_i, A, B, key_id, ek))
 *   kem_init {id_i, A, B, key_id, ek, mac_i}  ──▶  verify mac_i (constant time), else reject
 *                                                (ss, ct) = ML-KEM-768.Encaps(ek)
 *   mac_r = HMAC-SHA256(mac_key, enc("qstcs/1 kem_resp", id_r, B, A, key_id, SHA-256(ek), ct))
 *   verify mac_r, else reject     ◀──  kem_resp {id_r, B, A, key_id, ct, mac_r}
 *   ss = ML-KEM-768.Decaps(dk, ct)
 *
 * session_key = HKDF-SHA256(IKM  = ss || k_qkd,
 *                           salt = "QSTCS-Hybrid-PQC/1",
 *                           info = enc("QSTCS-Hybrid-PQC", key_id, A, B, SHA-256(ek), SHA-256(ct)),
 *                           L = 32)
 * </pre>
 * The MACs stop a relay from swapping {@code ek} or {@code ct} for its own (it has no
 * {@code k_qkd}); {@code SHA-256(ek)} in {@code mac_r} ties a response to the one key it answers,
 * so an old {@code kem_resp} cannot be replayed into a new handshake. {@code ek} and {@code ct}
 * travel as lower-case hex of their raw FIPS 203 encodings (1184 and 1088 bytes). The session key
 * then replaces {@code k_qkd} as the session key for frames under the same {@code key_id}.
 *
 * <h2>Identity signatures</h2>
 * A device with an identity key pair ({@link IdentityKeyPair}, ML-DSA-65, optionally with Ed25519) also signs its
 * transcript: {@code sig = ML-DSA-65.Sign(identity_sk, enc("qstcs/1 identity signature",
 * transcript))} (for an ML-DSA-65+Ed25519 identity, both signatures as {@link
 * qstcs.crypto.identity.IdentityAlgorithm} describes), carried as the {@code sig} field. A side that knows the peer's identity key
 * requires that signature and verifies it; without it the frame is refused like a bad MAC. The
 * MAC is keyed from {@code k_qkd}, which the KMS knows; the signature is keyed from a secret only
 * the peer's device holds, so a KMS that substitutes its own ML-KEM key (a man in the middle)
 * cannot sign the result as a peer whose key the user verified.
 *
 * <p>Each {@link Initiator} is single-use. Rejections are logged (ids and key_id only) so an
 * operator can see tampering; no key material is ever logged or put into a message.
 */
public final class HybridHandshake {

    private static final System.Logger LOG = System.getLogger(HybridHandshake.class.getName());

    private HybridHandshake() {
    }

    /** The responder's answer and the session key it derived. */
    public record Response(KemResp kemResp, SecretBytes sessionKey) {
    }

    /** Starts a handshake from {@code self} to {@code peer} over the QKD pair key {@code keyId}. */
    public static Initiator initiate(SecretBytes qkdKey, String keyId, String self, String peer) {
        return initiate(qkdKey, keyId, self, peer, new SecureRandom());
    }

    public static Initiator initiate(SecretBytes qkdKey, String keyId, String self, String peer, SecureRandom random) {
        return new Initiator(qkdKey, keyId, self, peer, random, Optional.empty(), Optional.empty());
    }

    /**
     * Starts a handshake signed with {@code identity} (when present); the answer must carry a valid
     * signature by {@code peerKey} when that is present.
     */
    public static Initiator initiate(SecretBytes qkdKey, String keyId, String self, String peer,
                                     Optional<IdentityKeyPair> identity, Optional<IdentityKey> peerKey) {
        return new Initiator(qkdKey, keyId, self, peer, new SecureRandom(), identity, peerKey);
    }

    /**
     * Answers a {@code kem_init} addressed to {@code self} under the QKD key {@code keyId}.
     *
     * @throws HandshakeFailedException the message is for another device or key, or its MAC does
     *                                  not verify (tampered, or the sender lacks {@code k_qkd})
     */
    public static Response respond(SecretBytes qkdKey, String keyId, String self, KemInit init)
            throws HandshakeFailedException {
        return respond(qkdKey, keyId, self, init, new SecureRandom());
    }

    public static Response respond(SecretBytes qkdKey, String keyId, String self, KemInit init, SecureRandom random)
            throws HandshakeFailedException {
        return respond(qkdKey, keyId, self, init, random, Optional.empty(), Optional.empty());
    }

    /**
     * Answers a {@code kem_init}, signing the answer with {@code identity} when present, and
     * requiring the initiator's valid signature by {@code peerKey} when that is present.
     *
     * @throws HandshakeFailedException as {@link #respond(SecretBytes, String, String, KemInit)}, or
     *                                  the signature is missing or is not {@code peerKey}'s
     */
    public static Response respond(SecretBytes qkdKey, String keyId, String self, KemInit init,
                                   Optional<IdentityKeyPair> identity, Optional<IdentityKey> peerKey)
            throws HandshakeFailedException {
        return respond(qkdKey, keyId, self, init, new SecureRandom(), identity, peerKey);
    }

    public static Response respond(SecretBytes qkdKey, String keyId, String self, KemInit init, SecureRandom random,
                                   Optional<IdentityKeyPair> identity, Optional<IdentityKey> peerKey)
            throws HandshakeFailedException {
        Objects.requireNonNull(qkdKey, "qkdKey");
        HeaderFields.requireTokenId("key_id", keyId);
        HeaderFields.requireDeviceId("self", self);
        if (!init.recipient().equals(self) || !init.keyId().equals(keyId)) {
            throw reject("kem_init " + init.id() + " is for another device or key_id", init.sender(), init.keyId());
        }
        byte[] ek = init.ekBytes();
        SecretBytes macKey = HybridKeySchedule.macKey(qkdKey, keyId);
        try {
            byte[] transcript = HybridKeySchedule.initTranscript(init.id(), init.sender(), init.recipient(), keyId, ek);
            if (!HybridKeySchedule.verify(macKey, transcript, init.macBytes())) {
                throw reject("kem_init " + init.id() + " rejected: transcript MAC does not verify"
                        + " (substituted key, or the sender lacks the QKD key)", init.sender(), keyId);
            }
            checkSignature(peerKey, transcript, init.sig(), "kem_init " + init.id(), init.sender(), keyId);
            MlKem768.Encapsulation enc;
            try {
                enc = MlKem768.encapsulate(MlKem768.encapsulationKey(ek), random);
            } catch (GeneralSecurityException e) {
                throw reject("kem_init " + init.id() + " rejected: ek is not a valid ML-KEM-768 key", init.sender(), keyId);
            }
            String id = UUID.randomUUID().toString();
            byte[] respTranscript = HybridKeySchedule.respTranscript(id, self, init.sender(), keyId, ek, enc.ciphertext());
            HexFormat hex = HexFormat.of();
            KemResp resp = new KemResp(id, self, init.sender(), keyId, hex.formatHex(enc.ciphertext()),
                    hex.formatHex(HybridKeySchedule.mac(macKey, respTranscript)), signature(identity, respTranscript));
            SecretBytes session = HybridKeySchedule.sessionKey(enc.sharedSecret(), qkdKey, keyId, init.sender(), self,
                    ek, enc.ciphertext());
            Arrays.fill(enc.sharedSecret(), (byte) 0);
            return new Response(resp, session);
        } finally {
            macKey.destroy();
        }
    }

    private static String signature(Optional<IdentityKeyPair> identity, byte[] transcript) {
        return identity.map(k -> HexFormat.of().formatHex(k.sign(HybridKeySchedule.signedPart(transcript)))).orElse("");
    }

    /** With a known peer key the signature must be there and be that key's; without one it is not checked. */
    private static void checkSignature(Optional<IdentityKey> peerKey, byte[] transcript, String sig, String what,
                                       String peer, String keyId) throws HandshakeFailedException {
        if (peerKey.isEmpty()) {
            return;
        }
        if (sig.isEmpty()) {
            throw reject(what + " rejected: not signed, but " + peer + " has an identity key", peer, keyId);
        }
        if (!peerKey.get().verifies(HybridKeySchedule.signedPart(transcript), HexFormat.of().parseHex(sig))) {
            throw reject(what + " rejected: the signature is not by " + peer + "'s identity key", peer, keyId);
        }
    }

    private static HandshakeFailedException reject(String message, String peer, String keyId) {
        LOG.log(Level.WARNING, "hybrid handshake with {0} under key_id {1}: {2}", peer, keyId, message);
        return new HandshakeFailedException(message);
    }

    /** The initiating side: sends {@link #kemInit()}, then {@link #complete}s with the peer's answer. */
    public static final class Initiator implements Destroyable {
        private final SecretBytes qkdKey;
        private final String keyId;
        private final String self;
        private final String peer;
        private final KeyPair kemKeys;
        private final byte[] ek;
        private final KemInit kemInit;
        private final Optional<IdentityKey> peerKey;
        private boolean finished;

        private Initiator(SecretBytes qkdKey, String keyId, String self, String peer, SecureRandom random,
                          Optional<IdentityKeyPair> identity, Optional<IdentityKey> peerKey) {
            this.peerKey = Objects.requireNonNull(peerKey, "peerKey");
            Objects.requireNonNull(qkdKey, "qkdKey");
            this.keyId = HeaderFields.requireTokenId("key_id", keyId);
            this.self = HeaderFields.requireDeviceId("self", self);
            this.peer = HeaderFields.requireDeviceId("peer", peer);
            byte[] raw = qkdKey.toByteArray();
            this.qkdKey = SecretBytes.copyOf(raw);
            Arrays.fill(raw, (byte) 0);
            this.kemKeys = MlKem768.generate(random);
            this.ek = MlKem768.rawEncapsulationKey(kemKeys.getPublic());
            String id = UUID.randomUUID().toString();
            SecretBytes macKey = HybridKeySchedule.macKey(this.qkdKey, keyId);
            try {
                byte[] transcript = HybridKeySchedule.initTranscript(id, self, peer, keyId, ek);
                byte[] mac = HybridKeySchedule.mac(macKey, transcript);
                HexFormat hex = HexFormat.of();
                this.kemInit = new KemInit(id, self, peer, keyId, hex.formatHex(ek), hex.formatHex(mac),
                        signature(identity, transcript));
            } finally {
                macKey.destroy();
            }
        }

        /** The identity key the peer's answer must be signed with, if one was known when this handshake began. */
        public Optional<IdentityKey> peerKey() {
            return peerKey;
        }

        /** The {@code kem_init} frame to send to the peer. */
        public KemInit kemInit() {
            return kemInit;
        }

        /**
         * Checks the peer's {@code kem_resp} and derives the session key. A rejected response leaves
         * this initiator waiting, so a forged frame injected by a relay cannot abort the handshake
         * that the genuine response will still complete.
         *
         * @throws HandshakeFailedException the response is for another handshake or its MAC does not verify
         * @throws IllegalStateException    this initiator already completed or was destroyed
         */
        public synchronized SecretBytes complete(KemResp resp) throws HandshakeFailedException {
            if (finished) {
                throw new IllegalStateException("this handshake already finished; start a new one");
            }
            if (!resp.sender().equals(peer) || !resp.recipient().equals(self) || !resp.keyId().equals(keyId)) {
                throw reject("kem_resp " + resp.id() + " belongs to another handshake", resp.sender(), resp.keyId());
            }
            byte[] ct = resp.ctBytes();
            SecretBytes macKey = HybridKeySchedule.macKey(qkdKey, keyId);
            try {
                byte[] transcript = HybridKeySchedule.respTranscript(resp.id(), peer, self, keyId, ek, ct);
                if (!HybridKeySchedule.verify(macKey, transcript, resp.macBytes())) {
                    throw reject("kem_resp " + resp.id() + " rejected: transcript MAC does not verify"
                            + " (substituted ciphertext, or the peer lacks the QKD key)", peer, keyId);
                }
                checkSignature(peerKey, transcript, resp.sig(), "kem_resp " + resp.id(), peer, keyId);
            } finally {
                macKey.destroy();
            }
            byte[] ss;
            try {
                ss = MlKem768.decapsulate(kemKeys.getPrivate(), ct);
            } catch (GeneralSecurityException e) {
                // Cannot happen for a 1088-byte ct that passed the MAC; treat as tampering anyway.
                throw reject("kem_resp " + resp.id() + " rejected: ciphertext does not decapsulate", peer, keyId);
            }
            try {
                SecretBytes session = HybridKeySchedule.sessionKey(ss, qkdKey, keyId, self, peer, ek, ct);
                destroy();
                return session;
            } finally {
                Arrays.fill(ss, (byte) 0);
            }
        }

        /** Wipes the QKD key copy; the ML-KEM private key is dropped with this object (the JDK cannot wipe it). */
        @Override
        public synchronized void destroy() {
            finished = true;
            qkdKey.destroy();
        }

        @Override
        public synchronized boolean isDestroyed() {
            return finished;
        }

        @Override
        public String toString() {
            return "HybridHandshake.Initiator[" + self + " -> " + peer + ", key_id=" + keyId + "]";
        }
    }
}
