package qstcs.relay.auth;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.server.auth.ServiceToken;
import qstcs.server.pki.HostNames;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.ServerIdentity;

/**
 * What a relay needs to serve {@code wss://} and check device tokens: its TLS key and certificate
 * chain, the KMS TLS URL, the CA to pin when calling the KMS, and the relay token.
 *
 * @param tls the relay's server identity (chain ends with the QSTCS CA)
 * @param kmsTls the KMS TLS base URL for introspection
 * @param kmsCa the CA the KMS certificate must chain to
 * @param relayToken the relay's service token (never printed)
 */
public record RelayIdentity(ServerIdentity tls, URI kmsTls, CaFingerprint kmsCa, String relayToken) {

    private static final Duration CERT_VALIDITY = Duration.ofDays(90);

    public RelayIdentity {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(kmsTls, "kmsTls");
        Objects.requireNonNull(kmsCa, "kmsCa");
        Objects.requireNonNull(relayToken, "relayToken");
    }

    /**
     * Loads the relay's identity from the state directory {@code home}: the certificate from
     * {@code tlsCert} (made by {@code ./qstcs kms issue-cert}) or else freshly issued by the local
     * CA in {@code home/kms/} (relay on the KMS machine); the relay token from
     * {@code QSTCS_RELAY_TOKEN} or {@code home/kms/relay.token}.
     */
    public static RelayIdentity load(Path home, Optional<Path> tlsCert, URI kmsTls, List<String> extraSans)
            throws IOException {
        Path kmsDir = home.resolve("kms");
        ServerIdentity tls;
        if (tlsCert.isPresent()) {
            tls = ServerIdentity.readPem(tlsCert.get());
        } else {
            LocalCa ca;
            try {
                ca = LocalCa.load(kmsDir, Clock.systemUTC());
            } catch (IOException e) {
                throw new IOException("no TLS certificate for the relay: " + e.getMessage()
                        + "; on another machine use --tls-cert FILE from ./qstcs kms issue-cert, or --insecure for plain ws");
            }
            tls = ca.issueServer("QSTCS relay", HostNames.localSans(extraSans), CERT_VALIDITY);
        }
        String env = System.getenv(ServiceToken.RELAY_ENV);
        Optional<String> token = env != null && !env.isBlank() ? Optional.of(env.strip())
                : ServiceToken.read(kmsDir.resolve(ServiceToken.RELAY_FILE));
        if (token.isEmpty()) {
            throw new IOException("no relay token in " + kmsDir.resolve(ServiceToken.RELAY_FILE) + " and "
                    + ServiceToken.RELAY_ENV + " is not set; the KMS creates it at first start (copy it here when the"
                    + " relay runs on another machine)");
        }
        return new RelayIdentity(tls, kmsTls, tls.caFingerprint(), token.get());
    }

    /** The KMS TLS URL that goes with a KMS plain URL: same host, port 8443. */
    public static URI tlsUrlFor(URI kmsPlain) {
        if ("https".equals(kmsPlain.getScheme())) {
            return kmsPlain;
        }
        return URI.create("https://" + kmsPlain.getRawAuthority().replaceFirst(":\\d+$", "") + ":8443");
    }

    @Override
    public String toString() {
        return "RelayIdentity[" + tls + ", kms " + kmsTls + ", token=(hidden)]";
    }
}
