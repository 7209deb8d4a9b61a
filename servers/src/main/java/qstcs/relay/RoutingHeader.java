package qstcs.relay;

import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.seal.KeyUnavailable;
import qstcs.crypto.seal.Receipt;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.wire.HeaderFields;

/**
 * The only parts of a client frame the relay looks at. Values are null when the frame lacks the
 * field. {@code token} is read only from {@code register} frames and never printed.
 */
record RoutingHeader(String type, String id, String sender, String recipient, String deviceId, String token) {

    /** Routing by recipient {@value}: every registered device except the sender. */
    static final String EVERYONE = HeaderFields.EVERYONE;

    boolean isRoutable() {
        return switch (type) {
            case SealedFrame.TYPE, Receipt.TYPE, KeyUnavailable.TYPE, KemInit.TYPE, KemResp.TYPE -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        // Never include the token, not even a prefix.
        return "RoutingHeader[type=" + type + ", id=" + id + ", sender=" + sender
                + ", recipient=" + recipient + ", deviceId=" + deviceId + "]";
    }
}
