package qstcs.client;

import java.util.Optional;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityKeyPair;

/**
 * The identity keys the hybrid handshake signs with and checks against: this device's own key
 * pair and the current public key of a peer. {@link #peerKey} may block on the network (the
 * session calls it from its own thread, as it does {@link KeySource}).
 */
public interface PeerIdentities {

    /** Neither an own key nor peers' keys: the handshake is neither signed nor checked. */
    PeerIdentities NONE = new PeerIdentities() {
        @Override
        public Optional<IdentityKeyPair> own() {
            return Optional.empty();
        }

        @Override
        public Optional<IdentityKey> peerKey(String peer) {
            return Optional.empty();
        }
    };

    Optional<IdentityKeyPair> own();

    /**
     * Makes this device's public key known (to the key service) before the session talks to
     * anyone, so peers check its first handshake against the right key. Called on the session's
     * thread; a failure is not fatal (peers then see an unknown key, and the next start tries again).
     */
    default void announce() {
    }

    /** The key {@code peer}'s handshakes must be signed with; empty when it has none (unsigned is accepted). */
    Optional<IdentityKey> peerKey(String peer);
}
