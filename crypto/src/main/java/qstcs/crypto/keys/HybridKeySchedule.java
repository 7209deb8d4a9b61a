package qstcs.crypto.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import qstcs.crypto.wire.CanonicalEncoding;

/**
 * Every byte string the hybrid handshake derives or authenticates; {@link HybridHandshake}
 * documents the construction as a whole. Each input list is a {@link CanonicalEncoding}, so
 * transcripts and info strings are injective.
 */
final class HybridKeySchedule {

    static final String LABEL = "QSTCS-Hybrid-PQC";
    static final int MAC_BYTES = 32;
    /** Fixed, public, versioned HKDF salt: domain separation; the IKM already holds two secrets. */
    static final byte[] SALT = "QSTCS-Hybrid-PQC/1".getBytes(StandardCharsets.UTF_8);

    private HybridKeySchedule() {
    }

    /** {@code mac_key = HKDF-SHA256(IKM = k_qkd, salt = none, info = enc(LABEL + " transcript MAC", key_id), L = 32)}. */
    static SecretBytes macKey(SecretBytes qkdKey, String keyId) {
        byte[] info = new CanonicalEncoding().string(LABEL + " transcript MAC").string(keyId).toByteArray();
        return Hkdf.derive(qkdKey, null, info, MAC_BYTES);
    }

    /** {@code enc("qstcs/1 kem_init", id, sender, recipient, key_id, ek)}. */
    static byte[] initTranscript(String id, String sender, String recipient, String keyId, byte[] ek) {
        return new CanonicalEncoding(ek.length + 200).string("qstcs/1 " + KemInit.TYPE)
                .string(id).string(sender).string(recipient).string(keyId).bytes(ek).toByteArray();
    }

    /** {@code enc("qstcs/1 kem_resp", id, sender, recipient, key_id, SHA-256(ek), ct)}. */
    static byte[] respTranscript(String id, String sender, String recipient, String keyId, byte[] ek, byte[] ct) {
        return new CanonicalEncoding(ct.length + 240).string("qstcs/1 " + KemResp.TYPE)
                .string(id).string(sender).string(recipient).string(keyId).bytes(sha256(ek)).bytes(ct).toByteArray();
    }

    /** What an identity key signs: {@code enc("qstcs/1 identity signature", transcript)}. */
    static byte[] signedPart(byte[] transcript) {
        return new CanonicalEncoding(transcript.length + 64).string("qstcs/1 identity signature").bytes(transcript)
                .toByteArray();
    }

    static byte[] mac(SecretBytes macKey, byte[] transcript) {
        byte[] k = macKey.toByteArray();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Constant-time check of a received MAC. */
    static boolean verify(SecretBytes macKey, byte[] transcript, byte[] received) {
        return MessageDigest.isEqual(mac(macKey, transcript), received);
    }

    /**
     * {@code HKDF-SHA256(IKM = ss_mlkem || k_qkd, salt = SALT,
     * info = enc(LABEL, key_id, initiator, responder, SHA-256(ek), SHA-256(ct)), L = 32)}.
     */
    static SecretBytes sessionKey(byte[] ssMlKem, SecretBytes qkdKey, String keyId, String initiator,
                                  String responder, byte[] ek, byte[] ct) {
        byte[] k = qkdKey.toByteArray();
        byte[] ikm = new byte[ssMlKem.length + k.length];
        System.arraycopy(ssMlKem, 0, ikm, 0, ssMlKem.length);
        System.arraycopy(k, 0, ikm, ssMlKem.length, k.length);
        Arrays.fill(k, (byte) 0);
        SecretBytes ikmSecret = SecretBytes.adopt(ikm);
        try {
            byte[] info = new CanonicalEncoding().string(LABEL).string(keyId).string(initiator).string(responder)
                    .bytes(sha256(ek)).bytes(sha256(ct)).toByteArray();
            return Hkdf.derive(ikmSecret, SALT, info, KeyLength.BYTES);
        } finally {
            ikmSecret.destroy();
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
        }
    }
}
