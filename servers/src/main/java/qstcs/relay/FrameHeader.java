package qstcs.relay;

/**
 * The only parts of a client frame the relay looks at. Values are null when the frame lacks the
 * field. {@code token} is read only from {@code register} frames and never printed.
 */
record FrameHeader(String type, String id, String sender, String recipient, String deviceId, String token) {

    /** Routing by recipient {@value}: every registered device except the sender. */
    static final String EVERYONE = "*";

    boolean isRoutable() {
        return switch (type) {
            case "chat", "receipt", "kem_init", "kem_resp" -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        // Never include the token, not even a prefix.
        return "FrameHeader[type=" + type + ", id=" + id + ", sender=" + sender
                + ", recipient=" + recipient + ", deviceId=" + deviceId + "]";
    }
}
