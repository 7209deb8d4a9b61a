package qstcs.relay;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.wire.CloseCode;
import qstcs.server.pki.LocalCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;
import qstcs.testing.KmsProcess;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay following a real KMS ({@code qstcs.kms.Main} as its own process on ephemeral ports,
 * real BB84 rounds): {@code force_attack} ⇒ every session receives
 * {@code link} RED and is closed with 4403; new sessions are refused the same way until
 * {@code reset}, after which clients register again.
 */
class KmsRedIT {

    private static final MediaType JSON = MediaType.get("application/json");

    @TempDir
    Path home;
    private KmsProcess kms;
    private OkHttpClient http;
    /** The operator's client: TLS pinned to the KMS's CA (operator routes are TLS-only, docs/identity.md). */
    private OkHttpClient operator;

    @BeforeEach
    void startKms() throws Exception {
        kms = KmsProcess.start(home, "--round-ms", "200", "--qubits", "16384");
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
        PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))));
        operator = http.newBuilder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
    }

    @AfterEach
    void stopKms() throws Exception {
        kms.close();
        http.dispatcher().executorService().shutdown();
    }

    @Test
    void forceAttackCutsEverySessionAndResetReopens() throws Exception {
        try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests()
                .withKms(URI.create(kms.plainUrl())))) {
            awaitLink(relay, "GREEN");
            List<WsTestClient> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                clients.add(WsTestClient.register(http, relay.port(), "Soldier_" + i));
            }
            clients.add(WsTestClient.connect(http, relay.port()));
            clients.getFirst().send(WsTestClient.chat("before", "Soldier_0", "Soldier_1", "00"));
            clients.get(1).nextWithId("before");

            String attack = post("/force_attack");
            long redAt = System.nanoTime();
            assertTrue(attack.contains("\"status\":\"RED\""), attack);

            long worstMs = Long.MIN_VALUE;
            for (WsTestClient c : clients) {
                assertEquals("RED", c.next("link").get("status").asText());
                assertEquals(CloseCode.LINK_RED.code(), c.closeCode());
                // Both may even arrive before the KMS's reply reaches us: it notifies its waiters first.
                // The delay is reported, not asserted: it is a figure of the machine's load.
                long lateMs = (c.closedAtNanos() - redAt) / 1_000_000;
                worstMs = Math.max(worstMs, lateMs);
                c.close();
            }
            System.out.println("last of " + clients.size() + " sessions closed " + worstMs
                    + " ms after the force_attack reply (negative: before it)");
            assertEquals("RED", relay.linkStatus());
            try (WsTestClient refused = WsTestClient.connect(http, relay.port())) {
                assertEquals("RED", refused.next("link").get("status").asText());
                assertEquals(CloseCode.LINK_RED.code(), refused.closeCode());
            }

            assertTrue(post("/reset").contains("reset_complete"));
            awaitLink(relay, "GREEN");
            try (WsTestClient a = WsTestClient.register(http, relay.port(), "Soldier_0");
                 WsTestClient b = WsTestClient.register(http, relay.port(), "Soldier_1")) {
                a.send(WsTestClient.chat("after", "Soldier_0", "Soldier_1", "01"));
                b.nextWithId("after");
            }
        }
    }

    private String post(String path) throws IOException {
        String token = Files.readString(home.resolve("kms").resolve("operator.token")).strip();
        try (Response r = operator.newCall(new Request.Builder().url(kms.tlsUrl() + path)
                .header("Authorization", "Bearer " + token)
                .post(RequestBody.create("{}", JSON)).build()).execute()) {
            String body = r.body().string();
            assertEquals(200, r.code(), path + " → " + body);
            return body;
        }
    }

    private static void awaitLink(RelayServer relay, String status) {
        Await.until("the relay follows the KMS to " + status + " (now " + relay.linkStatus() + ")",
                Duration.ofSeconds(60), () -> status.equals(relay.linkStatus()));
    }
}
