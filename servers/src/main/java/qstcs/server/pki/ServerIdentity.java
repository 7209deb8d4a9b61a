package qstcs.server.pki;

import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.home.StateHome;

/**
 * A TLS server's private key and its certificate chain (server certificate first, then the QSTCS
 * CA, which clients need in the chain to match their pin). Kept in memory for the KMS; written to
 * one PEM file (0600) for a relay on another machine.
 *
 * @param privateKey the server's private key (never printed)
 * @param chain server certificate, then issuing CA
 */
public record ServerIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

    public ServerIdentity {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.size() < 2) {
            throw new IllegalArgumentException("a server chain needs the server certificate and the CA, got "
                    + chain.size() + " certificate(s)");
        }
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** Fingerprint of the CA at the top of the chain: what clients of this server pin. */
    public CaFingerprint caFingerprint() {
        return CaFingerprint.of(chain.getLast());
    }

    /** Helidon TLS settings for a listener presenting this identity. */
    public Tls tls() {
        return Tls.builder().privateKey(privateKey).privateKeyCertChain(chain).build();
    }

    /** Writes key and chain to one PEM file, 0600. */
    public void writePem(Path file) throws IOException {
        StringBuilder pem = new StringBuilder(Pem.privateKey(privateKey));
        chain.forEach(c -> pem.append(Pem.certificate(c)));
        Files.writeString(StateHome.privateFile(file.toAbsolutePath()), pem, StandardCharsets.US_ASCII);
    }

    /** Reads a file written by {@link #writePem} (or any PKCS#8 EC key plus chain, leaf first). */
    public static ServerIdentity readPem(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            return new ServerIdentity(Pem.ecPrivateKey(pem), Pem.certificates(pem));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot read a TLS key and certificate chain from " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ServerIdentity[" + certificate().getSubjectX500Principal().getName() + ", CA " + caFingerprint() + "]";
    }
}
