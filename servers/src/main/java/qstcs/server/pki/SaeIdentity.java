package qstcs.server.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * An ETSI 014 SAE's private key and client certificate chain (certificate first, then the QSTCS
 * CA), as {@code ./qstcs kms issue-cert --for sae} writes it: one PEM file, 0600.
 *
 * @param privateKey the SAE's private key (never printed)
 * @param chain      SAE certificate, then issuing CA
 */
public record SaeIdentity(PrivateKey privateKey, List<X509Certificate> chain) {

    public SaeIdentity {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.size() < 2) {
            throw new IllegalArgumentException("an SAE chain needs the SAE certificate and the CA");
        }
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public void writePem(Path file) throws IOException {
        Pem.writeKeyAndChain(file, privateKey, chain);
    }

    /**
     * The same PEM text as {@link #writePem} writes, for an operator route that hands it out as a
     * file download; the caller sends it and drops it, never logs it.
     */
    public byte[] pemBytes() {
        StringBuilder pem = new StringBuilder(Pem.privateKey(privateKey));
        chain.forEach(c -> pem.append(Pem.certificate(c)));
        return pem.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "SaeIdentity[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
