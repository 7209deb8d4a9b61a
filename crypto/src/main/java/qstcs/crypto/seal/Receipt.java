package qstcs.crypto.seal;

import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.FrameHeader;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The {@code receipt} frame a receiver sends after it decrypted chat frame {@code id}:
 * <pre>{"type":"receipt","id":"…","sender":"…","recipient":"…","key_id":"…","mac":"&lt;64 hex&gt;"}</pre>
 * {@code sender} is the receiver of the chat frame, {@code recipient} its sender, {@code key_id}
 * the key it came under, and {@code mac} the {@link FrameSealer#receiptTag} under that key, so a
 * relay cannot fake the second tick.
 */
public record Receipt(String id, String sender, String recipient, String keyId, String mac) {

    /** The frame's {@code type} on the wire. */
    public static final String TYPE = "receipt";

    public Receipt {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE); // validates the shared header fields
        HeaderFields.requireHex("mac", mac, KeyLength.BYTES, KeyLength.BYTES);
    }

    /** Always {@value #TYPE}. */
    public String type() {
        return TYPE;
    }

    public FrameHeader header() {
        return new FrameHeader(id, sender, recipient, keyId);
    }

    public String toJson() {
        return header().write(TYPE).string("mac", mac).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static Receipt fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    /** Reads a receipt from an already parsed object (a receiver that dispatched on {@code type}). */
    public static Receipt fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new Receipt(h.id(), h.sender(), h.recipient(), h.keyId(), o.string("mac"));
    }
}
