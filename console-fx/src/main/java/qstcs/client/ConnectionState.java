package qstcs.client;

/** Where a {@link SecureChatSession} stands with the relay and the key service. */
public enum ConnectionState {
    /** Not started yet. */
    IDLE,
    /** Fetching keys and connecting for the first time (or again after a re-key). */
    CONNECTING,
    /** Registered at the relay with a key: messages flow. */
    ONLINE,
    /** The relay connection dropped while the link is fine: reconnecting with backoff. */
    RECONNECTING,
    /** The link went RED: keys wiped, waiting for the operator's reset to re-key by itself. */
    COMPROMISED,
    /** Could not start (wrong address, refused registration, …): needs a person to act. */
    FAILED,
    /** Closed by its owner. */
    CLOSED
}
