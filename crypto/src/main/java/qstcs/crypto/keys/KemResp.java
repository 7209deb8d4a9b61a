package qstcs.crypto.keys;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.FrameHeader;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The responder's {@code kem_resp} frame: the ML-KEM-768 ciphertext for the initiator's key and a
 * MAC over the transcript (which also covers SHA-256 of the {@code ek} it answers). On the wire:
 * <pre>{"type":"kem_resp","id":"…","sender":"…","recipient":"…","key_id":"…",
 *  "ct":"&lt;1088 bytes hex&gt;","mac":"&lt;32 bytes hex&gt;","sig":"&lt;optional, 3309 bytes hex&gt;"}</pre>
 * {@code sig}, when present, is the sender's identity signature of the transcript (3373 bytes for
 * an ML-DSA-65+Ed25519 identity).
 */
public record KemResp(String id, String sender, String recipient, String keyId, String ct, String mac, String sig) {

    public static final String TYPE = "kem_resp";

    public KemResp {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE); // validates the shared header fields
        HeaderFields.requireHex("ct", ct, MlKem768.CT_BYTES, MlKem768.CT_BYTES);
        HeaderFields.requireHex("mac", mac, HybridKeySchedule.MAC_BYTES, HybridKeySchedule.MAC_BYTES);
        sig = KemInit.requireSignature(sig);
    }

    /** An unsigned frame (a device without an identity key). */
    public KemResp(String id, String sender, String recipient, String keyId, String ct, String mac) {
        this(id, sender, recipient, keyId, ct, mac, "");
    }

    /** Whether the sender signed the transcript with its identity key. */
    public boolean signed() {
        return !sig.isEmpty();
    }

    public byte[] sigBytes() {
        return LowerHex.decode(sig);
    }

    public String type() {
        return TYPE;
    }

    public FrameHeader header() {
        return new FrameHeader(id, sender, recipient, keyId);
    }

    public byte[] ctBytes() {
        return LowerHex.decode(ct);
    }

    public byte[] macBytes() {
        return LowerHex.decode(mac);
    }

    public String toJson() {
        FlatJson.Writer w = header().write(TYPE).string("ct", ct).string("mac", mac);
        return (sig.isEmpty() ? w : w.string("sig", sig)).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static KemResp fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    public static KemResp fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new KemResp(h.id(), h.sender(), h.recipient(), h.keyId(), o.string("ct"), o.string("mac"),
                o.optionalString("sig").orElse(""));
    }

    @Override
    public String toString() {
        return "KemResp[id=" + id + ", sender=" + sender + ", recipient=" + recipient + ", key_id=" + keyId
                + ", ct=" + ct.length() / 2 + " bytes" + (sig.isEmpty() ? "" : ", signed") + "]";
    }
}
