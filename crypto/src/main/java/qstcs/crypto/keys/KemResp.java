package qstcs.crypto.keys;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The responder's {@code kem_resp} frame: the ML-KEM-768 ciphertext for the initiator's key and a
 * MAC over the transcript (which also covers SHA-256 of the {@code ek} it answers). On the wire:
 * <pre>{"type":"kem_resp","id":"…","sender":"…","recipient":"…","key_id":"…",
 *  "ct":"&lt;1088 bytes hex&gt;","mac":"&lt;32 bytes hex&gt;"}</pre>
 */
public record KemResp(String id, String sender, String recipient, String keyId, String ct, String mac) {

    public static final String TYPE = "kem_resp";

    public KemResp {
        HeaderFields.requireTokenId("id", id);
        HeaderFields.requireDeviceId("sender", sender);
        HeaderFields.requireDeviceId("recipient", recipient);
        HeaderFields.requireTokenId("key_id", keyId);
        HeaderFields.requireHex("ct", ct, MlKem768.CT_BYTES, MlKem768.CT_BYTES);
        HeaderFields.requireHex("mac", mac, HybridKeySchedule.MAC_BYTES, HybridKeySchedule.MAC_BYTES);
    }

    public String type() {
        return TYPE;
    }

    public byte[] ctBytes() {
        return LowerHex.decode(ct);
    }

    public byte[] macBytes() {
        return LowerHex.decode(mac);
    }

    public String toJson() {
        return FlatJson.writer().string("type", TYPE).string("id", id).string("sender", sender)
                .string("recipient", recipient).string("key_id", keyId).string("ct", ct).string("mac", mac).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static KemResp fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    public static KemResp fromJson(FlatJson o) {
        if (!TYPE.equals(o.string("type"))) {
            throw new MalformedFrameException("type must be \"" + TYPE + "\"");
        }
        return new KemResp(o.string("id"), o.string("sender"), o.string("recipient"), o.string("key_id"),
                o.string("ct"), o.string("mac"));
    }

    @Override
    public String toString() {
        return "KemResp[id=" + id + ", sender=" + sender + ", recipient=" + recipient + ", key_id=" + keyId
                + ", ct=" + ct.length() / 2 + " bytes]";
    }
}
