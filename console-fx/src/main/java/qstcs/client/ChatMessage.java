package qstcs.client;

import java.time.Instant;

/**
 * One message of a conversation as the user sees it: plaintext, who wrote it, when. Delivery
 * progress of outgoing messages is reported separately ({@link SessionListener#deliveryChanged}),
 * because it changes after the message is shown.
 */
public record ChatMessage(String id, String peer, String sender, String text, Instant time, boolean outgoing,
                          String keyId) {
    @Override
    public String toString() {
        // The text is the user's private message: keep it out of logs.
        return "ChatMessage[" + id + ", " + sender + (outgoing ? " → " : " ← ") + peer + ", " + text.length() + " chars]";
    }
}
