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

/**
 * A device's public identity key: the X.509 encoding of an ML-DSA-65 public key, checked at
 * creation so a KMS or relay cannot hand over something that is not one. Public, so it may be
 * printed; equality is by encoding.
 */
public final class IdentityKey {

    /** The JDK algorithm name (FIPS 204, security category 3). */
    public static final String ALGORITHM = "ML-DSA-65";
    /** X.509 SubjectPublicKeyInfo of an ML-DSA-65 key: 22 bytes of header and 1952 of key. */
    public static final int ENCODED_BYTES = 1974;
    /** An ML-DSA-65 signature. */
    public static final int SIGNATURE_BYTES = 3309;

    private final byte[] encoded;
    private final PublicKey key;

    private IdentityKey(byte[] encoded, PublicKey key) {
        this.encoded = encoded;
        this.key = key;
    }

    /** @throws IllegalArgumentException the bytes are not an ML-DSA-65 public key */
    public static IdentityKey fromEncoded(byte[] x509) {
        if (x509 == null || x509.length != ENCODED_BYTES) {
            throw new IllegalArgumentException("an " + ALGORITHM + " public key is " + ENCODED_BYTES
                    + " bytes (X.509), got " + (x509 == null ? "nothing" : x509.length + " bytes"));
        }
        try {
            PublicKey k = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
            return new IdentityKey(x509.clone(), k);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " public key", e);
        }
    }

    /** @throws IllegalArgumentException not base64, or not an ML-DSA-65 public key */
    public static IdentityKey fromBase64(String text) {
        if (text == null || text.length() > 4 * ENCODED_BYTES) {
            throw new IllegalArgumentException("public_key must be the base64 of an " + ALGORITHM + " key");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key is not base64");
        }
        return fromEncoded(raw);
    }

    static IdentityKey of(PublicKey key) {
        return fromEncoded(key.getEncoded());
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

    /** Whether {@code signature} is this key's signature of {@code message}; false for any malformed input. */
    public boolean verifies(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
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
        return "IdentityKey[" + ALGORITHM + ", sha256=" + fingerprint().substring(0, 16) + "…]";
    }
}
