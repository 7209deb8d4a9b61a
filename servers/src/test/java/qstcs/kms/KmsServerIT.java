package qstcs.kms;

import java.nio.file.Path;
import java.time.Duration;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import qstcs.crypto.tls.PinnedCaTrust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public entry other modules use: a real KMS that serves, issues keys over TLS, and restarts in place. */
class KmsServerIT {

    @Test
    void servesKeysOverTlsAndRestartsOnTheSamePortsAndCa() throws Exception {
        Path home = KmsServer.tempHome("qstcs-kms-server-test");
        int port;
        int tlsPort;
        String token;
        try (KmsServer kms = KmsServer.startOnLoopback(home, "--round-ms", "200")) {
            port = kms.port();
            tlsPort = kms.tlsPort();
            assertTrue(port > 0 && tlsPort > 0 && port != tlsPort);
            token = kms.issueDeviceToken("Soldier_Alpha");
            OkHttpClient http = client(kms);
            try (Response r = http.newCall(new Request.Builder().url(kms.plainUrl() + "/link_status").build()).execute()) {
                assertEquals(200, r.code());
                assertTrue(r.body().string().startsWith("{\"status\":\""));
            }
            assertEquals(200, keyRequest(http, kms, token));
            assertEquals(64, kms.operatorToken().length());
        }
        try (KmsServer again = KmsServer.start("--home", home.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--tls-port", Integer.toString(tlsPort))) {
            assertEquals(tlsPort, again.tlsPort());
            assertEquals(200, keyRequest(client(again), again, token), "same CA and device registry after a restart");
        }
    }

    private static OkHttpClient client(KmsServer kms) {
        PinnedCaTrust trust = PinnedCaTrust.of(kms.ca());
        return new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
    }

    private static int keyRequest(OkHttpClient http, KmsServer kms, String token) throws Exception {
        Request req = new Request.Builder().url(kms.tlsUrl() + "/get_session_key")
                .header("Authorization", "Bearer " + token)
                .post(RequestBody.create("{\"device_id\":\"Soldier_Alpha\",\"peer_id\":\"Soldier_Bravo\"}",
                        MediaType.get("application/json")))
                .build();
        try (Response r = http.newCall(req).execute()) {
            return r.code();
        }
    }
}
