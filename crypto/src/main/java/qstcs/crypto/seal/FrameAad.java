package qstcs.crypto.seal;

import qstcs.crypto.wire.CanonicalEncoding;

/**
 * The associated data of a chat frame: {@link CanonicalEncoding} of
 * {@code "qstcs/1", id, sender, recipient, key_id} (length-prefixed UTF-8) then {@code seq} and
 * {@code timestamp} (8-byte big-endian). Any edit of a header field changes these bytes, and the
 * encoding is injective, so no two different headers share an AAD.
 */
final class FrameAad {

    static final String VERSION = "qstcs/1";

    private FrameAad() {
    }

    static byte[] of(String id, String sender, String recipient, String keyId, long seq, long timestamp) {
        return new CanonicalEncoding(96 + id.length() + sender.length() + recipient.length() + keyId.length())
                .string(VERSION)
                .string(id)
                .string(sender)
                .string(recipient)
                .string(keyId)
                .int64(seq)
                .int64(timestamp)
                .toByteArray();
    }

    static byte[] of(SealedFrame f) {
        return of(f.id(), f.sender(), f.recipient(), f.keyId(), f.seq(), f.timestamp());
    }
}
