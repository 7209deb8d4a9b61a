package qstcs.crypto.seal;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.FrameHeader;
import qstcs.crypto.wire.HeaderFields;
import qstcs.crypto.wire.LowerHex;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * The {@code chat} frame of docs/protocol.md, exactly as it travels through the relay:
 * <pre>{"type":"chat","id":"…","sender":"…","recipient":"…","key_id":"…","seq":17,
 *  "timestamp":1700000000,"nonce":"&lt;24 hex&gt;","ciphertext":"&lt;hex ct||tag&gt;"}</pre>
 * Values are validated at creation (device ids, 12-byte nonce, ciphertext of at least the 16-byte
 * tag, lower-case hex), so a frame that exists is well formed; whether it is authentic is
 * {@link FrameSealer#open}'s question. Nonce and ciphertext are kept as the wire hex so the value
 * is immutable and compares by content.
 *
 * @param timestamp Unix time in seconds chosen by the sender (authenticated, not trusted for order)
 */
public record SealedFrame(String id, String sender, String recipient, String keyId, long seq, long timestamp,
                          String nonce, String ciphertext) {

    /** The frame's {@code type} on the wire. */
    public static final String TYPE = "chat";

    public SealedFrame {
        new FrameHeader(id, sender, recipient, keyId); // validates the shared header fields
        HeaderFields.requireNonNegative("seq", seq);
        HeaderFields.requireNonNegative("timestamp", timestamp);
        HeaderFields.requireHex("nonce", nonce, FrameSealer.NONCE_BYTES, FrameSealer.NONCE_BYTES);
        HeaderFields.requireHex("ciphertext", ciphertext, FrameSealer.TAG_BYTES,
                FrameSealer.MAX_PLAINTEXT_BYTES + FrameSealer.TAG_BYTES);
    }

    /** Always {@value #TYPE}. */
    public String type() {
        return TYPE;
    }

    public FrameHeader header() {
        return new FrameHeader(id, sender, recipient, keyId);
    }

    public byte[] nonceBytes() {
        return LowerHex.decode(nonce);
    }

    /** Ciphertext followed by the 16-byte GCM tag. */
    public byte[] ciphertextBytes() {
        return LowerHex.decode(ciphertext);
    }

    /** Compact JSON with the field names and order of docs/protocol.md. */
    public String toJson() {
        return header().write(TYPE)
                .integer("seq", seq)
                .integer("timestamp", timestamp)
                .string("nonce", nonce)
                .string("ciphertext", ciphertext)
                .toString();
    }

    /**
     * Reads a chat frame. Unknown extra fields are ignored (they are not authenticated and never
     * used), so a relay that annotates frames does not break clients.
     *
     * @throws MalformedFrameException bad JSON, a wrong {@code type}, a missing or invalid field
     */
    public static SealedFrame fromJson(String json) {
        return fromJson(FlatJson.parse(json));
    }

    /** Reads a chat frame from an already parsed object (a receiver that dispatched on {@code type}). */
    public static SealedFrame fromJson(FlatJson o) {
        FrameHeader h = FrameHeader.read(o, TYPE);
        return new SealedFrame(h.id(), h.sender(), h.recipient(), h.keyId(), o.integer("seq"), o.integer("timestamp"), o.string("nonce"), o.string("ciphertext"));
    }

    @Override
    public String toString() {
        return "SealedFrame[id=" + id + ", sender=" + sender + ", recipient=" + recipient + ", key_id=" + keyId
                + ", seq=" + seq + ", timestamp=" + timestamp + ", ciphertext=" + (ciphertext.length() / 2) + " bytes]";
    }
}
