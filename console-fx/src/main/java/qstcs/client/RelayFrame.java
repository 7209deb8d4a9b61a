package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import qstcs.crypto.keys.KemInit;
import qstcs.crypto.keys.KemResp;
import qstcs.crypto.seal.KeyUnavailable;
import qstcs.crypto.seal.Receipt;
import qstcs.crypto.seal.SealedFrame;
import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * One frame the relay delivers to this device, parsed once into its type: the relay's own frames
 * (registered, presence, ack, error, link) and the frames other devices route through it (chat,
 * receipt, kem_init, kem_resp). A session dispatches on the type once, without looking at JSON again.
 */
sealed interface RelayFrame {

    /** The relay accepted the registration; {@code online} lists who is connected now. */
    record Registered(List<String> online) implements RelayFrame {
    }

    record Presence(String deviceId, boolean online) implements RelayFrame {
    }

    /** The relay took frame {@code id} (delivered to the recipient, or queued for it). */
    record Ack(String id) implements RelayFrame {
    }

    /** The relay refused something; {@code id} names the frame concerned, when there is one (else empty). */
    record Error(String code, String message, String id) implements RelayFrame {
    }

    /** The relay learned the link colour ({@code GREEN}, {@code YELLOW}, {@code RED}). */
    record Link(String status) implements RelayFrame {
    }

    record Chat(SealedFrame frame) implements RelayFrame {
    }

    record ReceiptFrame(Receipt receipt) implements RelayFrame {
    }

    /** The peer could not get the key a frame of ours came under and asks us to re-send under a newer one. */
    record KeyLost(KeyUnavailable answer) implements RelayFrame {
    }

    record HandshakeInit(KemInit init) implements RelayFrame {
    }

    record HandshakeResp(KemResp resp) implements RelayFrame {
    }

    /**
     * The frame in {@code text}, or empty for anything this client does not use (a pong, an
     * unknown type, a malformed frame): a stray frame is not worth a disconnect.
     */
    static Optional<RelayFrame> parse(String text) {
        FlatJson f;
        try {
            f = FlatJson.parse(text);
        } catch (MalformedFrameException e) {
            // Every frame is flat JSON except the relay's "registered", whose online list is an array.
            return registered(text);
        }
        try {
            return Optional.ofNullable(switch (f.optionalString("type").orElse("")) {
                case "presence" -> new Presence(f.string("device_id"), f.bool("online"));
                case "ack" -> new Ack(f.string("id"));
                case "error" -> new Error(f.optionalString("code").orElse(""), f.optionalString("message").orElse(""),
                        f.optionalString("id").orElse(""));
                case "link" -> new Link(f.optionalString("status").orElse(""));
                case SealedFrame.TYPE -> new Chat(SealedFrame.fromJson(f));
                case Receipt.TYPE -> new ReceiptFrame(Receipt.fromJson(f));
                case KeyUnavailable.TYPE -> new KeyLost(KeyUnavailable.fromJson(f));
                case KemInit.TYPE -> new HandshakeInit(KemInit.fromJson(f));
                case KemResp.TYPE -> new HandshakeResp(KemResp.fromJson(f));
                default -> null;
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<RelayFrame> registered(String text) {
        JsonNode f;
        try {
            f = KmsClient.JSON.readTree(text);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (f == null || !"registered".equals(f.path("type").asText())) {
            return Optional.empty();
        }
        List<String> online = new ArrayList<>();
        f.path("online").forEach(n -> online.add(n.isObject() ? n.path("device_id").asText() : n.asText()));
        return Optional.of(new Registered(List.copyOf(online)));
    }
}
