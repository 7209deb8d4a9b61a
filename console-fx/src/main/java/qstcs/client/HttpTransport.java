package qstcs.client;

import java.time.Duration;
import okhttp3.OkHttpClient;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * Builds the one OkHttp client a device uses for the KMS and the relay, so that connection pools
 * are shared and transport security is decided in exactly one place (the pinned CA of
 * {@link ClientConfig#caFingerprint()} is applied here).
 */
final class HttpTransport {
    private HttpTransport() {
    }

    static OkHttpClient forConfig(ClientConfig config) {
        OkHttpClient.Builder b = new OkHttpClient.Builder();
        config.caFingerprint().ifPresent(pin -> {
            // https:// and wss:// then trust exactly the QSTCS CA, never the system's public CAs.
            PinnedCaTrust trust = PinnedCaTrust.of(pin);
            b.sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager());
        });
        return b
                .connectTimeout(Duration.ofSeconds(3))
                .readTimeout(Duration.ofSeconds(10))
                .writeTimeout(Duration.ofSeconds(10))
                // The relay pings are ours (application-level "ping"); OkHttp's keep our socket honest too.
                .pingInterval(Duration.ofSeconds(10))
                .retryOnConnectionFailure(true)
                .build();
    }
}
