package qstcs.crypto.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import qstcs.crypto.keys.Hkdf;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.wire.CanonicalEncoding;
import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.FrameHeader;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The {@code key_unavailable} frame a receiver sends when the key service no longer knows the key
 * a chat frame came under (it restarted, or revoked the key), so that the sender re-sends the
 * message instead of losing it:
 * <pre>{"type":"key_unavailable","id":"…","sender":"…","recipient":"…","key_id":"…",
 *  "missing_key_id":"…","mac":"&lt;64 hex&gt;"}</pre>
 * {@code id} is the chat frame that could not be opened, {@code sender} the receiver that could
 * not open it, {@code missing_key_id} the key it came under, and {@code key_id} a pair key the
 * receiver does hold (fetched fresh from the key service). {@code mac} is HMAC-SHA256 under
 * {@code HKDF(pair key of key_id, "qstcs/1 key_unavailable " + sender + ">" + recipient)} over the
 * canonical encoding of every other field, so a relay can neither forge nor redirect it: it could
 * at most make a sender re-send under a newer key, which it can also do by dropping receipts.
 *
 * <p>The mac is made with the QKD pair key itself, not a hybrid session key: the answer has to
 * work before any ML-KEM exchange under the new key has happened.
 */
public record KeyUnavailable(String id, String sender, String recipient, String keyId, String missingKeyId,
                             String mac) {

    /** The frame's {@code type} on the wire. */
    public static final String TYPE = "key_unavailable";
    private static final String INFO_PREFIX = "qstcs/1 key_unavailable ";

    public KeyUnavailable {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE);
        HeaderFields.requireTokenId("missing_key_id", missingKeyId);
        HeaderFields.requireHex("mac", mac, KeyLength.BYTES, KeyLength.BYTES);
    }

    /** The answer {@code sender} gives {@code recipient} for frame {@code id}, authenticated with {@code pairKey}. */
    public static KeyUnavailable sign(String id, String sender, String recipient, String keyId, String missingKeyId,
                                      SecretBytes pairKey) {
        new FrameHeader(id, sender, recipient, keyId).requireDirect(TYPE);
        HeaderFields.requireTokenId("missing_key_id", missingKeyId);
        return new KeyUnavailable(id, sender, recipient, keyId, missingKeyId,
                LowerHex.encode(tag(id, sender, recipient, keyId, missingKeyId, pairKey)));
    }

    /** Whether this answer was made with {@code pairKey} (the key named by {@link #keyId}); constant-time. */
    public boolean genuine(SecretBytes pairKey) {
        if (pairKey == null || pairKey.isDestroyed()) {
            return false;
        }
        return MessageDigest.isEqual(tag(id, sender, recipient, keyId, missingKeyId, pairKey), LowerHex.decode(mac));
    }

    /** Always {@value #TYPE}. */
    public String type() {
        return TYPE;
    }

    public String toJson() {
        return new FrameHeader(id, sender, recipient, keyId).write(TYPE).string("missing_key_id", missingKeyId)
                .string("mac", mac).toString();
    }

    /** @throws MalformedFrameException bad JSON, wrong type, missing or invalid field */
    public static KeyUnavailable fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    /** Reads the frame from an already parsed object (a receiver that dispatched on {@code type}). */
    public static KeyUnavailable fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new KeyUnavailable(h.id(), h.sender(), h.recipient(), h.keyId(), o.string("missing_key_id"),
                o.string("mac"));
    }

    private static byte[] tag(String id, String sender, String recipient, String keyId, String missingKeyId,
                              SecretBytes pairKey) {
        SecretBytes macKey = Hkdf.derive(pairKey, null,
                (INFO_PREFIX + sender + ">" + recipient).getBytes(StandardCharsets.UTF_8), KeyLength.BYTES);
        byte[] raw = macKey.toByteArray();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            return mac.doFinal(new CanonicalEncoding().string(TYPE).string(id).string(sender).string(recipient)
                    .string(keyId).string(missingKeyId).toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JDK", e);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            macKey.destroy();
        }
    }

    @Override
    public String toString() {
        return "KeyUnavailable[" + id + ", " + sender + " → " + recipient + ", missing " + missingKeyId + "]";
    }
}
