package qstcs.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern PLAIN_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)\\s+public");
    private static final Pattern TLS_URL = Pattern.compile("https://127\\.0\\.0\\.1:(\\d+)\\s");
    private static final MediaType JSON = MediaType.get("application/json");

    @TempDir
    Path home;
    private Process kms;
    private final StringBuffer kmsOutput = new StringBuffer();
    private int kmsPort;
    private final CompletableFuture<Integer> kmsTlsPort = new CompletableFuture<>();
    private OkHttpClient http;
    /** The operator's client: TLS pinned to the KMS's CA (operator routes are TLS-only, docs/identity.md). */
    private OkHttpClient operator;

    @BeforeEach
    void startKms() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        kms = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "qstcs.kms.Main",
                "--home", home.toString(), "--bind", "127.0.0.1", "--port", "0", "--tls-port", "0",
                "--round-ms", "200", "--qubits", "16384")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("kms-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(kms.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    kmsOutput.append(line).append('\n');
                    Matcher m = PLAIN_URL.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                    Matcher t = TLS_URL.matcher(line);
                    if (t.find()) {
                        kmsTlsPort.complete(Integer.parseInt(t.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("KMS exited:\n" + kmsOutput));
        });
        kmsPort = port.get(90, TimeUnit.SECONDS);
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
        PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))));
        operator = http.newBuilder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
    }

    @AfterEach
    void stopKms() throws Exception {
        kms.destroy();
        kms.waitFor(20, TimeUnit.SECONDS);
        http.dispatcher().executorService().shutdown();
    }

    @Test
    void forceAttackCutsEverySessionAndResetReopens() throws Exception {
        try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests()
                .withKms(URI.create("http://127.0.0.1:" + kmsPort)))) {
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
        int tlsPort;
        try {
            tlsPort = kmsTlsPort.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("no TLS URL in the KMS banner:\n" + kmsOutput, e);
        }
        try (Response r = operator.newCall(new Request.Builder().url("https://127.0.0.1:" + tlsPort + path)
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
