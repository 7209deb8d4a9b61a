package qstcs.client;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The ✓✓ frame: {@code sender} decrypted frame {@code id} of {@code recipient}, proven by a
 * {@code mac} made with the pair key the frame came under, so a relay can drop receipts but not
 * forge them.
 */
record Receipt(String id, String sender, String recipient, String keyId, String mac) {
    static final String TYPE = "receipt";

    String toJson() {
        return FlatJson.writer().string("type", TYPE).string("id", id).string("sender", sender)
                .string("recipient", recipient).string("key_id", keyId).string("mac", mac).toString();
    }

    /** @throws MalformedFrameException a wrong type or a missing field */
    static Receipt fromJson(FlatJson o) {
        if (!TYPE.equals(o.string("type"))) {
            throw new MalformedFrameException("type must be \"" + TYPE + "\"");
        }
        return new Receipt(o.string("id"), o.string("sender"), o.string("recipient"),
                o.optionalString("key_id").orElse(null), o.optionalString("mac").orElse(null));
    }
}
