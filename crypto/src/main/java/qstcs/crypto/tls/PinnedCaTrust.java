package qstcs.crypto.tls;

import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS client trust for one pinned QSTCS CA: an {@link SSLContext} for the JDK {@code HttpClient}
 * or Helidon's client, and the matching {@link X509TrustManager} that OkHttp wants next to its
 * socket factory. Host names are checked against the server certificate's subject alternative
 * names during the handshake whenever the TLS stack knows the host (JDK clients, OkHttp).
 */
public final class PinnedCaTrust {

    private final CaFingerprint pin;
    private final PinnedCaTrustManager trustManager;
    private final SSLContext sslContext;

    private PinnedCaTrust(CaFingerprint pin) {
        this.pin = pin;
        this.trustManager = new PinnedCaTrustManager(pin);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            this.sslContext = context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot create a TLS context", e);
        }
    }

    /** Trust that accepts only servers whose certificate chains to the CA with this fingerprint. */
    public static PinnedCaTrust of(CaFingerprint pin) {
        return new PinnedCaTrust(Objects.requireNonNull(pin, "pin"));
    }

    public CaFingerprint pin() {
        return pin;
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    @Override
    public String toString() {
        return "PinnedCaTrust[" + pin + "]";
    }
}
