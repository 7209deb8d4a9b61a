package qstcs.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * How an operator tool trusts the KMS over TLS: it pins the QSTCS CA by its SHA-256
 * fingerprint, taken from {@code QSTCS_CA_FINGERPRINT} if set (a console on another machine),
 * else from the CA certificate the KMS keeps in {@code $QSTCS_HOME/kms/ca.crt}. Without either,
 * https:// connections fail with a message saying where the pin comes from.
 */
public final class KmsTrust {
    public static final String ENV = "QSTCS_CA_FINGERPRINT";
    static final String CA_FILE = "ca.crt";

    private KmsTrust() {
    }

    /** The pin for the KMS and relay: from {@code env}, else from the CA certificate under {@code home}. */
    public static Optional<PinnedCaTrust> load(Path home, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(PinnedCaTrust.of(CaFingerprint.parse(fromEnv)));
        }
        Path file = caFile(home);
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            // CertificateFactory reads PEM as well as DER.
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Optional.of(PinnedCaTrust.of(CaFingerprint.of(ca)));
        } catch (IOException | CertificateException | ClassCastException e) {
            System.err.println("operator: cannot read the QSTCS CA certificate " + file + " ("
                    + e.getClass().getSimpleName() + "); https:// connections will not be trusted");
            return Optional.empty();
        }
    }

    public static Path caFile(Path home) {
        return home.resolve("kms").resolve(CA_FILE);
    }
}
