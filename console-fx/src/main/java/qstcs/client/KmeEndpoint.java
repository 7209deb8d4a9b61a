package qstcs.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

import qstcs.crypto.tls.SaeCredentials;

/**
 * An ETSI GS QKD 014 key manager (KME) this device takes its keys from: its base URL
 * ({@code https://HOST:PORT}, the routes live under {@code /api/v1/keys/}) and the SAE
 * credentials for mutual TLS. The SAE id (the certificate's CN) must be this device's id, since
 * peers name each other by device id.
 */
public record KmeEndpoint(URI url, SaeCredentials sae) {

    public KmeEndpoint {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sae, "sae");
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("the KME address must be https://HOST[:PORT], got '" + url + "'");
        }
    }

    /**
     * Reads {@code --kme URL --sae-cert FILE.pem --ca FILE}; the messages name the file or value
     * that is wrong.
     */
    public static KmeEndpoint read(String url, Path saeCert, Path ca) throws IOException {
        URI uri;
        try {
            uri = new URI(url.strip().replaceAll("/+$", ""));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the KME address is not a URL: '" + url + "'");
        }
        return new KmeEndpoint(uri, SaeCredentials.read(saeCert, ca));
    }

    /** The SAE id the KME sees: the certificate's CN. */
    public String saeId() {
        return sae.saeId();
    }

    @Override
    public String toString() {
        return "KmeEndpoint[" + url + " as SAE " + sae.saeId() + "]";
    }
}
