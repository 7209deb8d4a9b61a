package qstcs.client;

/**
 * How far an outgoing message got. Apart from {@link #HELD}, a message only moves forward; a
 * breach moves every unconfirmed message back to {@link #HELD} until the re-key.
 */
public enum DeliveryState {
    /** Kept as plaintext in memory because the link is compromised: sealed only with the next key. */
    HELD,
    /** Waiting for the relay connection (or for earlier messages to be confirmed) before it is sent. */
    PENDING,
    /** Sealed and handed to the relay connection; no acknowledgement yet. */
    SENT,
    /** The relay acknowledged it (delivered to the peer's connection or queued for it): ✓. */
    RELAYED,
    /** The peer decrypted it and sent a receipt: ✓✓. */
    DELIVERED;

    /** The ticks a messenger shows for this state. */
    public String ticks() {
        return switch (this) {
            case HELD -> "held";
            case PENDING -> "waiting";
            case SENT -> "…";
            case RELAYED -> "✓";
            case DELIVERED -> "✓✓";
        };
    }
}
