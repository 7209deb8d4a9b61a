package qstcs.client;

import java.time.Instant;

/**
 * One message of a conversation as the user sees it: plaintext, who wrote it, when, and how far it
 * got when it joined the conversation ({@link DeliveryState#DELIVERED} for a received one). Later
 * progress of an outgoing message arrives through {@link SessionListener#deliveryChanged}.
 */
public record ChatMessage(String id, String peer, String sender, String text, Instant time, boolean outgoing,
                          String keyId, DeliveryState delivery) {
    @Override
    public String toString() {
        // The text is the user's private message: keep it out of logs.
        return "ChatMessage[" + id + ", " + sender + (outgoing ? " → " : " ← ") + peer + ", " + text.length() + " chars]";
    }
}
