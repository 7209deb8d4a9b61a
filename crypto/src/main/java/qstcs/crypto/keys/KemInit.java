package qstcs.crypto.keys;

import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKey;
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
 * An optional {@code "sig"} (3309 bytes hex, 3373 for an ML-DSA-65+Ed25519 identity) is the sender's identity signature of the
 * transcript ({@link HybridHandshake}). {@code ek} is the raw FIPS 203 encapsulation key (not X.509); {@code key_id} names the QKD
 * pair key both sides already hold.
 */
public record KemInit(String id, String sender, String recipient, String keyId, String ek, String mac, String sig) {

    public static final String TYPE = "kem_init";

    public KemInit {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE); // validates the shared header fields
        HeaderFields.requireHex("ek", ek, MlKem768.EK_BYTES, MlKem768.EK_BYTES);
        HeaderFields.requireHex("mac", mac, HybridKeySchedule.MAC_BYTES, HybridKeySchedule.MAC_BYTES);
        sig = requireSignature(sig);
    }

    /** The optional {@code sig} field: empty, or lower-case hex of an identity signature of either kind. */
    static String requireSignature(String sig) {
        if (sig == null || sig.isEmpty()) {
            return "";
        }
        HeaderFields.requireHex("sig", sig, IdentityAlgorithm.minSignatureBytes(), IdentityAlgorithm.maxSignatureBytes());
        if (!IdentityAlgorithm.isSignatureLength(sig.length() / 2)) {
            throw new MalformedFrameException("sig must be an identity signature (" + IdentityKey.SIGNATURE_BYTES
                    + " or " + IdentityAlgorithm.maxSignatureBytes() + " bytes), got " + sig.length() / 2 + " bytes");
        }
        return sig;
    }

    /** An unsigned frame (a device without an identity key). */
    public KemInit(String id, String sender, String recipient, String keyId, String ek, String mac) {
        this(id, sender, recipient, keyId, ek, mac, "");
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

    public byte[] ekBytes() {
        return LowerHex.decode(ek);
    }

    public byte[] macBytes() {
        return LowerHex.decode(mac);
    }

    public String toJson() {
        FlatJson.Writer w = header().write(TYPE).string("ek", ek).string("mac", mac);
        return (sig.isEmpty() ? w : w.string("sig", sig)).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static KemInit fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    public static KemInit fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new KemInit(h.id(), h.sender(), h.recipient(), h.keyId(), o.string("ek"), o.string("mac"),
                o.optionalString("sig").orElse(""));
    }

    @Override
    public String toString() {
        return "KemInit[id=" + id + ", sender=" + sender + ", recipient=" + recipient + ", key_id=" + keyId
                + ", ek=" + ek.length() / 2 + " bytes" + (sig.isEmpty() ? "" : ", signed") + "]";
    }
}
