package qstcs.crypto.keys;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.FrameHeader;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The initiator's {@code kem_init} frame: its fresh ML-KEM-768 encapsulation key and a MAC over
 * the transcript. On the wire (compact JSON, binary fields as lower-case hex):
 * <pre>{"type":"kem_init","id":"…","sender":"…","recipient":"…","key_id":"…",
 *  "ek":"&lt;1184 bytes hex&gt;","mac":"&lt;32 bytes hex&gt;"}</pre>
 * {@code ek} is the raw FIPS 203 encapsulation key (not X.509); {@code key_id} names the QKD
 * pair key both sides already hold.
 */
public record KemInit(String id, String sender, String recipient, String keyId, String ek, String mac) {

    public static final String TYPE = "kem_init";

    public KemInit {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE); // validates the shared header fields
        HeaderFields.requireHex("ek", ek, MlKem768.EK_BYTES, MlKem768.EK_BYTES);
        HeaderFields.requireHex("mac", mac, HybridKeySchedule.MAC_BYTES, HybridKeySchedule.MAC_BYTES);
    }

    public String type() {
        return TYPE;
    }

    public FrameHeader header() {
        return new FrameHeader(id, sender, recipient, keyId);
    }

    public byte[] ekBytes() {
        return LowerHex.decode(ek);
    }

    public byte[] macBytes() {
        return LowerHex.decode(mac);
    }

    public String toJson() {
        return header().write(TYPE).string("ek", ek).string("mac", mac).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static KemInit fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    public static KemInit fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new KemInit(h.id(), h.sender(), h.recipient(), h.keyId(), o.string("ek"), o.string("mac"));
    }

    @Override
    public String toString() {
        return "KemInit[id=" + id + ", sender=" + sender + ", recipient=" + recipient + ", key_id=" + keyId
                + ", ek=" + ek.length() / 2 + " bytes]";
    }
}
