package qstcs.crypto.identity;

import java.util.Arrays;

/**
 * The two kinds of identity key a device may have, by the name they carry on the wire (the
 * {@code algorithm} field of the KMS's identity routes) and their fixed sizes.
 * <ul>
 *   <li>{@link #ML_DSA_65}: an ML-DSA-65 key alone (FIPS 204), what every device had first;</li>
 *   <li>{@link #ML_DSA_65_ED25519}: an ML-DSA-65 key and an Ed25519 key (RFC 8032) used together.
 *       The public key is both X.509 encodings one after the other (ML-DSA-65 first); a signature
 *       is both signatures one after the other, and it verifies only when both do, so it holds as
 *       long as either algorithm holds. Both halves sign
 *       {@code enc("qstcs/1 ML-DSA-65+Ed25519", message)} rather than the message itself, so the
 *       ML-DSA-65 half cut out of a hybrid signature is not a valid ML-DSA-65-only signature.</li>
 * </ul>
 */
public enum IdentityAlgorithm {
    ML_DSA_65("ML-DSA-65", IdentityAlgorithm.ML_DSA_ENCODED, IdentityAlgorithm.ML_DSA_SIGNATURE),
    ML_DSA_65_ED25519("ML-DSA-65+Ed25519", IdentityAlgorithm.ML_DSA_ENCODED + IdentityAlgorithm.ED25519_ENCODED,
            IdentityAlgorithm.ML_DSA_SIGNATURE + IdentityAlgorithm.ED25519_SIGNATURE);

    /** X.509 SubjectPublicKeyInfo of an ML-DSA-65 key: 22 bytes of header and 1952 of key. */
    static final int ML_DSA_ENCODED = 1974;
    static final int ML_DSA_SIGNATURE = 3309;
    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: 12 bytes of header and 32 of key. */
    static final int ED25519_ENCODED = 44;
    static final int ED25519_SIGNATURE = 64;
    /** The JDK names of the two signature algorithms. */
    static final String ML_DSA = "ML-DSA-65";
    static final String ED25519 = "Ed25519";

    private final String wireName;
    private final int encodedBytes;
    private final int signatureBytes;

    IdentityAlgorithm(String wireName, int encodedBytes, int signatureBytes) {
        this.wireName = wireName;
        this.encodedBytes = encodedBytes;
        this.signatureBytes = signatureBytes;
    }

    /** The {@code algorithm} value on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The size of a public key's encoding. */
    public int encodedBytes() {
        return encodedBytes;
    }

    /** The size of a signature. */
    public int signatureBytes() {
        return signatureBytes;
    }

    /** @throws IllegalArgumentException not the wire name of an identity algorithm */
    public static IdentityAlgorithm fromWireName(String name) {
        for (IdentityAlgorithm a : values()) {
            if (a.wireName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm must be one of " + Arrays.stream(values())
                .map(IdentityAlgorithm::wireName).toList() + ", got '" + name + "'");
    }

    /** The kind of key whose encoding is {@code length} bytes long, if any. */
    static java.util.Optional<IdentityAlgorithm> ofEncodedLength(int length) {
        return Arrays.stream(values()).filter(a -> a.encodedBytes == length).findFirst();
    }

    /** Whether {@code length} is the size of some identity signature (a frame's {@code sig} field). */
    public static boolean isSignatureLength(int length) {
        return Arrays.stream(values()).anyMatch(a -> a.signatureBytes == length);
    }

    /** The shortest and longest identity signature, for a frame's size check. */
    public static int minSignatureBytes() {
        return Arrays.stream(values()).mapToInt(IdentityAlgorithm::signatureBytes).min().orElseThrow();
    }

    public static int maxSignatureBytes() {
        return Arrays.stream(values()).mapToInt(IdentityAlgorithm::signatureBytes).max().orElseThrow();
    }
}
