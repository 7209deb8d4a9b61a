package qstcs.client;

/**
 * How far an outgoing message got. The order is the order of progress; a message only moves
 * forward, except that a breach moves an unconfirmed one back to {@link #HELD}.
 */
public enum DeliveryState {
    /** Typed, kept as plaintext in memory: no usable key or relay right now (e.g. the link is RED). */
    HELD,
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
            case SENT -> "…";
            case RELAYED -> "✓";
            case DELIVERED -> "✓✓";
        };
    }
}
