package qstcs.client;

/**
 * Where a session gets its pair keys: the QSTCS key service today, any key manager that can hand
 * both ends of a pair the same key under the same id tomorrow. Blocking calls, made from the
 * session's own thread.
 *
 * <p>Two outcomes besides a key matter to a session and travel as {@link ClientException}s: a
 * breach ({@link ClientException.Problem#LINK_COMPROMISED}: the session wipes every key and waits
 * for a re-key) and anything else (unreachable, refused: reported, and retried while online).
 */
public interface KeySource {

    /**
     * The key this device shares with {@code peer}: the first of the pair to ask gets a fresh key,
     * the other the same one. {@code fresh} asks for a new key because the old one is used up.
     *
     * @param hybrid the session adds the ML-KEM exchange on top of this key
     */
    IssuedKey pairKey(String peer, boolean hybrid, boolean fresh) throws ClientException;

    /**
     * The key with id {@code keyId}: {@code peer} sealed a frame under a key this device does not
     * hold yet (a key source where the sender made the key, such as an ETSI 014 KME, asks for it
     * under the sender's name).
     */
    IssuedKey keyById(String peer, String keyId) throws ClientException;

    /**
     * The link was breached: forget every key held here too (a source that remembers keys it
     * handed out must never hand a pre-breach key out again).
     */
    default void forgetAll() {
    }
}
