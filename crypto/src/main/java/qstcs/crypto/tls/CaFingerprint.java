package qstcs.crypto.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The SHA-256 fingerprint of a CA certificate's DER encoding, written {@code sha256:<64 hex>}.
 * Not a secret: it is printed, put in enrollment strings and QR codes, and compared by clients.
 *
 * @param sha256 the 32-byte digest (copied; never exposed as the live array)
 */
public record CaFingerprint(byte[] sha256) {

    /** Prefix of the textual form. */
    public static final String PREFIX = "sha256:";
    private static final int DIGEST_BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    public CaFingerprint {
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != DIGEST_BYTES) {
            throw new IllegalArgumentException(
                    "a CA fingerprint is 32 bytes of SHA-256, got " + sha256.length + " bytes");
        }
        sha256 = sha256.clone();
    }

    /** The fingerprint of {@code certificate}. */
    public static CaFingerprint of(X509Certificate certificate) {
        try {
            return new CaFingerprint(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * Parses {@code sha256:HEX}; also accepts bare hex and colon-separated hex pairs (as
     * {@code openssl x509 -fingerprint -sha256} prints them), any case.
     */
    public static CaFingerprint parse(String text) {
        Objects.requireNonNull(text, "fingerprint");
        String s = text.strip();
        if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            s = s.substring(PREFIX.length());
        } else if (s.regionMatches(true, 0, "SHA256 Fingerprint=", 0, 19)) {
            s = s.substring(19);
        }
        s = s.replace(":", "").toLowerCase(Locale.ROOT);
        if (s.length() != 2 * DIGEST_BYTES || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a CA fingerprint (want sha256: and 64 hex digits): '"
                    + abbreviate(text) + "'");
        }
        return new CaFingerprint(HEX.parseHex(s));
    }

    /** True when {@code certificate} is the CA this fingerprint names. */
    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(sha256, of(certificate).sha256);
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaFingerprint other && MessageDigest.isEqual(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(sha256);
    }

    /** {@code sha256:} followed by 64 lower-case hex digits. */
    @Override
    public String toString() {
        return PREFIX + HEX.formatHex(sha256);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
