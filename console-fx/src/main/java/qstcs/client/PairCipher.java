package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.security.auth.DestroyFailedException;

/**
 * Seals and opens the chat frames of one pair under one key, with per-direction keys
 * {@code HKDF(pair key, "qstcs/1 " + sender + ">" + recipient)} (DESIGN.md §6).
 * Interim: uses the JDK directly until {@code qstcs.crypto.seal} lands, then delegates to it.
 */
final class PairCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keyId;
    private final String me;
    private final String peer;
    private final SecretKey sendKey;
    private final SecretKey receiveKey;

    PairCipher(IssuedKey pairKey, String me, String peer) {
        this.keyId = pairKey.keyId();
        this.me = me;
        this.peer = peer;
        byte[] ikm = pairKey.copyOfKey();
        try {
            this.sendKey = derive(ikm, me, peer);
            this.receiveKey = derive(ikm, peer, me);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    private static SecretKey derive(byte[] ikm, String sender, String recipient) {
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            return hkdf.deriveKey("AES", HKDFParameterSpec.ofExtract().addIKM(ikm)
                    .thenExpand(("qstcs/1 " + sender + ">" + recipient).getBytes(StandardCharsets.UTF_8), 32));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 unavailable in this JDK", e);
        }
    }

    String keyId() {
        return keyId;
    }

    ObjectNode seal(String id, long seq, long timestamp, String text) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, sendKey, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(id, me, peer, seq, timestamp));
            byte[] ct = c.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return KmsClient.JSON.createObjectNode().put("type", "chat").put("id", id).put("sender", me)
                    .put("recipient", peer).put("key_id", keyId).put("seq", seq).put("timestamp", timestamp)
                    .put("nonce", HexFormat.of().formatHex(nonce)).put("ciphertext", HexFormat.of().formatHex(ct));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Opens a frame the peer sealed for this device; throws when anything in it was altered. */
    String open(JsonNode f) throws GeneralSecurityException {
        try {
            byte[] nonce = HexFormat.of().parseHex(f.path("nonce").asText(""));
            byte[] ct = HexFormat.of().parseHex(f.path("ciphertext").asText(""));
            if (nonce.length != NONCE_BYTES) {
                throw new GeneralSecurityException("bad nonce length");
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, receiveKey, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(f.path("id").asText(""), f.path("sender").asText(""), f.path("recipient").asText(""),
                    f.path("seq").asLong(-1), f.path("timestamp").asLong(-1)));
            return new String(c.doFinal(ct), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("malformed hex", e);
        }
    }

    private byte[] aad(String id, String sender, String recipient, long seq, long timestamp) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("qstcs/1");
            out.writeUTF(id);
            out.writeUTF(sender);
            out.writeUTF(recipient);
            out.writeUTF(keyId);
            out.writeLong(seq);
            out.writeLong(timestamp);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void destroy() {
        for (SecretKey k : new SecretKey[] {sendKey, receiveKey}) {
            try {
                k.destroy();
            } catch (DestroyFailedException e) {
                // SecretKeySpec cannot be destroyed on this JDK; dropping the reference is all we can do.
            }
        }
    }
}
