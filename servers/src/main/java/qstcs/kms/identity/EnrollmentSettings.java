package qstcs.kms.identity;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.RelayAddresses;

/**
 * What goes into an enrollment string besides the device and its code: the address devices use
 * to reach this KMS's TLS port (a LAN address, not localhost, in the multi-machine demo), the
 * relays (one, or every relay of a cluster, in the order devices try them), the CA fingerprint
 * to pin, and how long a code lives.
 *
 * @param publicHost host or address devices dial for the KMS
 * @param tlsPort the KMS TLS port
 * @param relayUrls the relays devices connect to, at least one, none twice
 * @param ca the CA fingerprint
 * @param codeTtl lifetime of an enrollment code (15 minutes by default)
 */
public record EnrollmentSettings(String publicHost, int tlsPort, List<URI> relayUrls, CaFingerprint ca, Duration codeTtl) {

    /** Default lifetime of an enrollment code. */
    public static final Duration DEFAULT_CODE_TTL = Duration.ofMinutes(15);

    public EnrollmentSettings {
        Objects.requireNonNull(publicHost, "publicHost");
        relayUrls = RelayAddresses.check(relayUrls);
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(codeTtl, "codeTtl");
    }

    /** Settings naming one relay. */
    public EnrollmentSettings(String publicHost, int tlsPort, URI relayUrl, CaFingerprint ca, Duration codeTtl) {
        this(publicHost, tlsPort, List.of(Objects.requireNonNull(relayUrl, "relayUrl")), ca, codeTtl);
    }

    /** The relay devices try first. */
    public URI relayUrl() {
        return relayUrls.getFirst();
    }
}
