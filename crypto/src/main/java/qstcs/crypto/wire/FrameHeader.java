package qstcs.crypto.wire;

/**
 * The header fields every peer-to-peer frame carries ({@code chat}, {@code receipt},
 * {@code kem_init}, {@code kem_resp}), validated, read and written here once:
 * <pre>{"type":"…","id":"…","sender":"…","recipient":"…","key_id":"…", …}</pre>
 * {@code id} names the frame, {@code key_id} the QKD pair key it is bound to. Only chat frames
 * may go to {@value HeaderFields#EVERYONE}; the others answer one device ({@link #requireDirect}).
 */
public record FrameHeader(String id, String sender, String recipient, String keyId) {

    public FrameHeader {
        HeaderFields.requireTokenId("id", id);
        HeaderFields.requireDeviceId("sender", sender);
        HeaderFields.requireRecipient("recipient", recipient);
        HeaderFields.requireTokenId("key_id", keyId);
    }

    /** Whether the frame goes to every other device. */
    public boolean toEveryone() {
        return HeaderFields.EVERYONE.equals(recipient);
    }

    /** This header, if its recipient is one device; a frame of {@code type} cannot go to everyone. */
    public FrameHeader requireDirect(String type) {
        if (toEveryone()) {
            throw new MalformedFrameException("a " + type + " frame goes to one device: recipient must be a device id");
        }
        return this;
    }

    /** Reads the header of a frame that must be of {@code type}. */
    public static FrameHeader read(FlatJson o, String type) {
        if (!type.equals(o.string("type"))) {
            throw new MalformedFrameException("type must be \"" + type + "\"");
        }
        return new FrameHeader(o.string("id"), o.string("sender"), o.string("recipient"), o.string("key_id"));
    }

    /** A writer holding {@code type} and the header fields, in wire order; the caller adds the body. */
    public FlatJson.Writer write(String type) {
        return FlatJson.writer().string("type", type).string("id", id).string("sender", sender)
                .string("recipient", recipient).string("key_id", keyId);
    }
}
