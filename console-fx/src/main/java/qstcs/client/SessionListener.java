package qstcs.client;

import qstcs.crypto.link.LinkStatus;

/**
 * Observes a {@link SecureChatSession}. Every method has a no-op default so that a view or test
 * implements only what it shows. Calls come from the session's own thread, one at a time and in
 * order; a UI must hop to its own thread (JavaFX: {@code Platform.runLater}) and must not block.
 */
public interface SessionListener {
    /** The connection state changed; {@code message} says it in plain words for the status line. */
    default void connectionChanged(ConnectionState state, String message) {
    }

    /**
     * The session could not reach the key service or the relay and tries again by itself after
     * {@code delay} (a UI shows a countdown); {@link SecureChatSession#retryNow()} tries at once.
     */
    default void retryScheduled(java.time.Duration delay) {
    }

    /** A new KMS link reading (colour, QBER). */
    default void linkChanged(LinkStatus status) {
    }

    /**
     * The key used with {@code peer} changed: {@code keyId} is null once keys are wiped;
     * {@code hybrid} tells whether the ML-KEM hybrid handshake protects it.
     */
    default void keyChanged(String peer, String keyId, boolean hybrid) {
    }

    /** A message joined a conversation: typed here ({@code outgoing}) or received and decrypted. */
    default void messageAdded(ChatMessage message) {
    }

    /** An outgoing message made progress (or was held back by a breach). */
    default void deliveryChanged(String messageId, DeliveryState state) {
    }

    /** A device came online or went offline at the relay. */
    default void presenceChanged(String deviceId, boolean online) {
    }

    /** Something went wrong that a person may want to know; the session keeps going if it can. */
    default void problem(ClientException problem) {
    }
}
