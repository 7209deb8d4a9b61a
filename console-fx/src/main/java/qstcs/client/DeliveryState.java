package qstcs.client;

/**
 * How far an outgoing message got. Apart from {@link #FAILED}, {@link #HELD} and
 * {@link #RESECURING}, a message only moves forward; a breach moves every unconfirmed message back
 * to {@link #HELD} until the re-key, a lost key moves the messages sealed under it back to
 * {@link #RESECURING} until they are sent under a new one.
 */
public enum DeliveryState {
    /**
     * The relay refused it, or did not take it in time: it is no longer sent by itself. The user
     * may retry it (it goes again, under the same id) or delete it.
     */
    FAILED,
    /** Kept as plaintext in memory because the link is compromised: sealed only with the next key. */
    HELD,
    /**
     * The peer could not get the key it was sealed under (the key service lost it): it is being
     * sealed again under a new key and re-sent, with no action from the user.
     */
    RESECURING,
    /** Waiting for the relay connection (or for earlier messages to be confirmed) before it is sent. */
    PENDING,
    /** Sealed and handed to the relay connection; no acknowledgement yet. */
    SENT,
    /** The relay acknowledged it (delivered to the peer's connection or queued for it): ✓. */
    RELAYED,
    /** The peer decrypted it and sent a receipt: ✓✓. */
    DELIVERED;

    /** Whether the message still needs to reach the peer (anything short of {@link #DELIVERED}). */
    public boolean undelivered() {
        return this != DELIVERED;
    }

    /** The ticks a messenger shows for this state. */
    public String ticks() {
        return switch (this) {
            case FAILED -> "not sent";
            case HELD -> "held";
            case RESECURING -> "re-securing";
            case PENDING -> "waiting";
            case SENT -> "…";
            case RELAYED -> "✓";
            case DELIVERED -> "✓✓";
        };
    }
}
