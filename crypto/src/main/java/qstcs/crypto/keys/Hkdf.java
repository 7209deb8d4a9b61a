package qstcs.crypto.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import qstcs.crypto.wire.HeaderFields;

/**
 * HKDF-SHA256 (RFC 5869) through the JDK 25 {@code javax.crypto.KDF} API, plus the one
 * derivation every chat uses: the per-direction frame key.
 */
public final class Hkdf {

    /** RFC 5869 limit: at most 255 blocks of the hash output. */
    public static final int MAX_OUTPUT_BYTES = 255 * 32;
    /** Prefix of the per-direction info string; the version tag lets a later format never collide. */
    public static final String DIRECTION_INFO_PREFIX = "qstcs/1 ";

    private static final String ALGORITHM = "HKDF-SHA256";

    private Hkdf() {
    }

    /** Extract-then-expand. A {@code null} or empty salt means RFC 5869's default (32 zero bytes). */
    public static SecretBytes derive(SecretBytes ikm, byte[] salt, byte[] info, int length) {
        checkLength(length);
        byte[] ikmCopy = ikm.toByteArray();
        try {
            HKDFParameterSpec.Builder b = HKDFParameterSpec.ofExtract().addIKM(ikmCopy);
            if (salt != null && salt.length > 0) {
                b.addSalt(salt);
            }
            return SecretBytes.adopt(run(b.thenExpand(info == null ? new byte[0] : info, length)));
        } finally {
            Arrays.fill(ikmCopy, (byte) 0);
        }
    }

    /** HKDF-Extract alone: the pseudorandom key PRK (32 bytes). */
    public static SecretBytes extract(SecretBytes ikm, byte[] salt) {
        byte[] ikmCopy = ikm.toByteArray();
        try {
            HKDFParameterSpec.Builder b = HKDFParameterSpec.ofExtract().addIKM(ikmCopy);
            if (salt != null && salt.length > 0) {
                b.addSalt(salt);
            }
            return SecretBytes.adopt(run(b.extractOnly()));
        } finally {
            Arrays.fill(ikmCopy, (byte) 0);
        }
    }

    /** HKDF-Expand alone, from a PRK of at least 32 bytes. */
    public static SecretBytes expand(SecretBytes prk, byte[] info, int length) {
        checkLength(length);
        if (prk.size() < KeyLength.BYTES) {
            throw new IllegalArgumentException("PRK must be at least " + KeyLength.BYTES + " bytes, got " + prk.size());
        }
        byte[] prkCopy = prk.toByteArray();
        try {
            SecretKey prkKey = new SecretKeySpec(prkCopy, "Generic");
            return SecretBytes.adopt(run(HKDFParameterSpec.expandOnly(prkKey, info == null ? new byte[0] : info, length)));
        } finally {
            Arrays.fill(prkCopy, (byte) 0);
        }
    }

    /**
     * The key that protects frames from {@code sender} to {@code recipient} under one session key:
     * {@code HKDF-SHA256(IKM = sessionKey, salt = none, info = "qstcs/1 " + sender + ">" + recipient, L = 32)}.
     * Each direction has its own key, so a frame reflected back to its sender never opens there.
     * Device ids cannot contain {@code '>'} ({@link HeaderFields}), so the info string is unambiguous.
     */
    public static SecretBytes directionKey(SecretBytes sessionKey, String sender, String recipient) {
        HeaderFields.requireDeviceId("sender", sender);
        HeaderFields.requireRecipient("recipient", recipient);
        byte[] info = (DIRECTION_INFO_PREFIX + sender + ">" + recipient).getBytes(StandardCharsets.UTF_8);
        return derive(sessionKey, null, info, KeyLength.BYTES);
    }

    private static byte[] run(java.security.spec.AlgorithmParameterSpec spec) {
        Objects.requireNonNull(spec);
        try {
            return KDF.getInstance(ALGORITHM).deriveData(spec);
        } catch (GeneralSecurityException e) {
            // Only a JDK without HKDF-SHA256 (older than 25) gets here; the spec is built by us.
            throw new IllegalStateException("this JDK cannot run " + ALGORITHM + " (Java 25 or newer is required)", e);
        }
    }

    private static void checkLength(int length) {
        if (length <= 0 || length > MAX_OUTPUT_BYTES) {
            throw new IllegalArgumentException("HKDF output length must be 1.." + MAX_OUTPUT_BYTES + ", got " + length);
        }
    }
}
