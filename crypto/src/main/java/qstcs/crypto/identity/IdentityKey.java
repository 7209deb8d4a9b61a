package qstcs.crypto.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import qstcs.crypto.wire.CanonicalEncoding;

/**
 * A device's public identity key: the X.509 encoding of an ML-DSA-65 public key, or of an
 * ML-DSA-65 and an Ed25519 public key together ({@link IdentityAlgorithm}), checked at creation so
 * a KMS or relay cannot hand over something that is not one. Which of the two it is follows from
 * the length. Public, so it may be printed; equality is by encoding.
 */
public final class IdentityKey {

    /** The JDK algorithm name of the ML-DSA-65 part (FIPS 204, security category 3), and the wire name of a key that is only that. */
    public static final String ALGORITHM = IdentityAlgorithm.ML_DSA;
    /** X.509 SubjectPublicKeyInfo of an ML-DSA-65 key: 22 bytes of header and 1952 of key. */
    public static final int ENCODED_BYTES = IdentityAlgorithm.ML_DSA_ENCODED;
    /** An ML-DSA-65 signature. */
    public static final int SIGNATURE_BYTES = IdentityAlgorithm.ML_DSA_SIGNATURE;

    private final byte[] encoded;
    private final IdentityAlgorithm algorithm;
    private final PublicKey mlDsa;
    /** Null for an ML-DSA-65-only key. */
    private final PublicKey ed25519;

    private IdentityKey(byte[] encoded, IdentityAlgorithm algorithm, PublicKey mlDsa, PublicKey ed25519) {
        this.encoded = encoded;
        this.algorithm = algorithm;
        this.mlDsa = mlDsa;
        this.ed25519 = ed25519;
    }

    /** @throws IllegalArgumentException the bytes are not an identity public key of either kind */
    public static IdentityKey fromEncoded(byte[] x509) {
        IdentityAlgorithm kind = x509 == null ? null : IdentityAlgorithm.ofEncodedLength(x509.length).orElse(null);
        if (kind == null) {
            throw new IllegalArgumentException("an " + ALGORITHM + " public key is " + ENCODED_BYTES + " bytes (X.509), an "
                    + IdentityAlgorithm.ML_DSA_65_ED25519.wireName() + " one " + IdentityAlgorithm.ML_DSA_65_ED25519.encodedBytes()
                    + ", got " + (x509 == null ? "nothing" : x509.length + " bytes"));
        }
        PublicKey ml = publicKey(IdentityAlgorithm.ML_DSA, Arrays.copyOf(x509, ENCODED_BYTES));
        PublicKey ed = kind == IdentityAlgorithm.ML_DSA_65 ? null
                : publicKey(IdentityAlgorithm.ED25519, Arrays.copyOfRange(x509, ENCODED_BYTES, x509.length));
        return new IdentityKey(x509.clone(), kind, ml, ed);
    }

    private static PublicKey publicKey(String algorithm, byte[] x509) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an " + algorithm + " public key", e);
        }
    }

    /** @throws IllegalArgumentException not base64, or not an identity public key */
    public static IdentityKey fromBase64(String text) {
        if (text == null || text.length() > 4 * IdentityAlgorithm.ML_DSA_65_ED25519.encodedBytes()) {
            throw new IllegalArgumentException("public_key must be the base64 of an identity key (" + ALGORITHM + " or " + IdentityAlgorithm.ML_DSA_65_ED25519.wireName() + ")");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key is not base64");
        }
        return fromEncoded(raw);
    }

    static IdentityKey of(PublicKey mlDsa) {
        return fromEncoded(mlDsa.getEncoded());
    }

    static IdentityKey of(PublicKey mlDsa, PublicKey ed25519) {
        byte[] ml = mlDsa.getEncoded();
        byte[] ed = ed25519.getEncoded();
        byte[] both = Arrays.copyOf(ml, ml.length + ed.length);
        System.arraycopy(ed, 0, both, ml.length, ed.length);
        return fromEncoded(both);
    }

    /** Which kind of identity key this is. */
    public IdentityAlgorithm algorithm() {
        return algorithm;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(encoded);
    }

    /** SHA-256 of the encoding, lower-case hex: what a device remembers of a peer's key. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Whether {@code signature} is this key's signature of {@code message}; false for any malformed
     * input. A hybrid key needs both halves of a hybrid signature to verify.
     */
    public boolean verifies(byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != algorithm.signatureBytes()) {
            return false;
        }
        if (ed25519 == null) {
            return verifies(IdentityAlgorithm.ML_DSA, mlDsa, message, signature);
        }
        byte[] signed = hybridMessage(message);
        // Both are checked even when the first fails, so the time does not say which half was wrong.
        boolean ml = verifies(IdentityAlgorithm.ML_DSA, mlDsa, signed, Arrays.copyOf(signature, SIGNATURE_BYTES));
        boolean ed = verifies(IdentityAlgorithm.ED25519, ed25519, signed,
                Arrays.copyOfRange(signature, SIGNATURE_BYTES, signature.length));
        return ml & ed;
    }

    private static boolean verifies(String algorithm, PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** What both halves of a hybrid signature sign: the message bound to the hybrid's name. */
    static byte[] hybridMessage(byte[] message) {
        return new CanonicalEncoding().string("qstcs/1 " + IdentityAlgorithm.ML_DSA_65_ED25519.wireName())
                .bytes(message).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityKey other && MessageDigest.isEqual(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "IdentityKey[" + algorithm.wireName() + ", sha256=" + fingerprint().substring(0, 16) + "…]";
    }
}
