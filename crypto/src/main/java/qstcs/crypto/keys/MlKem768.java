package qstcs.crypto.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KEM;

/**
 * ML-KEM-768 (FIPS 203) through the JDK's {@code KEM} API, with encapsulation keys in their raw
 * 1184-byte form on the wire. The JDK speaks X.509 SubjectPublicKeyInfo, which for ML-KEM-768 is a
 * fixed 22-byte header in front of the raw key, so conversion is a prefix added or checked.
 */
final class MlKem768 {

    static final String ALGORITHM = "ML-KEM-768";
    static final int EK_BYTES = 1184;
    static final int CT_BYTES = 1088;
    static final int SS_BYTES = 32;
    /** SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.4.2 } BIT STRING (1185 bytes, 0 unused bits) }. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("308204b2300b0609608648016503040402038204a100");

    /** Shared secret and the ciphertext that carries it. */
    record Encapsulation(byte[] sharedSecret, byte[] ciphertext) {
    }

    private MlKem768() {
    }

    static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
            g.initialize(NamedParameterSpec.ML_KEM_768, random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw unavailable(e);
        }
    }

    static byte[] rawEncapsulationKey(PublicKey key) {
        byte[] x509 = key.getEncoded();
        if (x509.length != X509_PREFIX.length + EK_BYTES
                || !Arrays.equals(x509, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalStateException("unexpected " + ALGORITHM + " public key encoding from the JDK");
        }
        return Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
    }

    /** @throws GeneralSecurityException {@code raw} is not a valid ML-KEM-768 encapsulation key */
    static PublicKey encapsulationKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != EK_BYTES) {
            throw new GeneralSecurityException("encapsulation key must be " + EK_BYTES + " bytes");
        }
        byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + EK_BYTES);
        System.arraycopy(raw, 0, x509, X509_PREFIX.length, EK_BYTES);
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
    }

    /** @throws GeneralSecurityException the key is unusable (e.g. fails the FIPS 203 modulus check) */
    static Encapsulation encapsulate(PublicKey ek, SecureRandom random) throws GeneralSecurityException {
        KEM.Encapsulated e = KEM.getInstance(ALGORITHM).newEncapsulator(ek, random).encapsulate();
        return new Encapsulation(e.key().getEncoded(), e.encapsulation());
    }

    static byte[] decapsulate(PrivateKey dk, byte[] ciphertext) throws GeneralSecurityException {
        return KEM.getInstance(ALGORITHM).newDecapsulator(dk).decapsulate(ciphertext).getEncoded();
    }

    private static IllegalStateException unavailable(GeneralSecurityException e) {
        return new IllegalStateException("this JDK has no " + ALGORITHM + " (Java 24 or newer is required)", e);
    }
}
