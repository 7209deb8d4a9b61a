package qstcs.kms.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import qstcs.crypto.tls.CaFingerprint;

/**
 * What goes into an enrollment string besides the device and its code: the address devices use
 * to reach this KMS's TLS port (a LAN address, not localhost, in the multi-machine demo), the
 * relay URL, the CA fingerprint to pin, and how long a code lives.
 *
 * @param publicHost host or address devices dial for the KMS
 * @param tlsPort the KMS TLS port
 * @param relayUrl the relay devices connect to
 * @param ca the CA fingerprint
 * @param codeTtl lifetime of an enrollment code (15 minutes by default)
 */
public record EnrollmentSettings(String publicHost, int tlsPort, URI relayUrl, CaFingerprint ca, Duration codeTtl) {

    /** Default lifetime of an enrollment code. */
    public static final Duration DEFAULT_CODE_TTL = Duration.ofMinutes(15);

    public EnrollmentSettings {
        Objects.requireNonNull(publicHost, "publicHost");
        Objects.requireNonNull(relayUrl, "relayUrl");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(codeTtl, "codeTtl");
    }
}
