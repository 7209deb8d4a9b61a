package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import qstcs.crypto.qkd.QkdRandom;
import qstcs.kms.pki.ServerIdentity;
import qstcs.server.common.CommandLine;

/**
 * A real KMS (both listeners on ephemeral ports, real BB84 rounds, SQLite audit log in a
 * temporary home) plus OkHttp clients for it. Small rounds keep tests quick.
 */
final class KmsTestServer implements AutoCloseable {
    static final MediaType JSON = MediaType.get("application/json");
    static final ObjectMapper MAPPER = new ObjectMapper();

    final Path home;
    final Kms kms;
    final WebServer server;
    final OkHttpClient http;
    final OkHttpClient https;
    final ServerIdentity identity;

    /** A reply: status code, body text and the parsed JSON (null if the body is not JSON). */
    record Reply(int code, String body, JsonNode json, String contentType) {
        String text(String field) {
            return json.get(field).asText();
        }
    }

    KmsTestServer(Path home, String... flags) {
        this(home, Map.of(), flags);
    }

    /**
     * @param app   extra {@code app.*} settings (e.g. {@code insecure-plain-routes=false})
     * @param flags command-line flags as the launcher would pass them
     */
    KmsTestServer(Path home, Map<String, String> app, String... flags) {
        this.home = home;
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "server.host", "127.0.0.1",
                "server.port", "0",
                "server.sockets.0.name", Main.TLS_SOCKET,
                "server.sockets.0.host", "127.0.0.1",
                "server.sockets.0.port", "0",
                "app.insecure-plain-routes", "true"));
        app.forEach((k, v) -> props.put("app." + k, v));
        Config config = Config.just(ConfigSources.create(props));
        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--bind", "127.0.0.1",
                "--port", "0", "--tls-port", "0", "--round-ms", "200", "--qubits", "16384"));
        args.addAll(List.of(flags));
        KmsSettings settings = KmsSettings.from(config, CommandLine.parse(args.toArray(String[]::new),
                Main.valueFlags(), java.util.Set.of()));
        kms = Kms.open(settings, InstantSource.system(), QkdRandom.secure());
        identity = Main.serverIdentity(settings.home().directory("kms"));
        WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
        Main.setup(b, kms, identity.tls());
        server = b.build().start();
        kms.start();
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(70)).build();
        https = trusting(identity.chain().getLast());
    }

    /** A client that trusts exactly the local CA of this server's home. */
    private static OkHttpClient trusting(X509Certificate ca) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("qstcs-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
            return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), tm)
                    .readTimeout(Duration.ofSeconds(70)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    String tlsUrl(String path) {
        return "https://localhost:" + server.port(Main.TLS_SOCKET) + path;
    }

    Reply get(String path) {
        return call(http, new Request.Builder().url(url(path)).build());
    }

    Reply post(String path, String json) {
        return call(http, new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build());
    }

    Reply tlsPost(String path, String json) {
        return call(https, new Request.Builder().url(tlsUrl(path)).post(RequestBody.create(json, JSON)).build());
    }

    Reply tlsGet(String path) {
        return call(https, new Request.Builder().url(tlsUrl(path)).build());
    }

    static Reply call(OkHttpClient client, Request request) {
        try (Response r = client.newCall(request).execute()) {
            String body = r.body().string();
            JsonNode json = null;
            try {
                json = body.isEmpty() ? null : MAPPER.readTree(body);
            } catch (IOException notJson) {
                // left null: the assertion that needs JSON will say so
            }
            return new Reply(r.code(), body, json, r.header("Content-Type"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply key(String device, String peer) {
        return post("/get_session_key", "{\"device_id\":\"" + device + "\",\"peer_id\":\"" + peer + "\"}");
    }

    /** Waits until the pool holds at least {@code bits}, so a test does not measure refill rounds. */
    void awaitPool(long bits) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kms.link().snapshot().poolBits() < bits) {
            if (System.nanoTime() > deadline) {
                StringBuilder dump = new StringBuilder();
                Thread.getAllStackTraces().forEach((t, st) -> {
                    if (t.getName().startsWith("qkd") || t.getName().startsWith("kms")) {
                        dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
                        for (StackTraceElement e : st) {
                            dump.append("    ").append(e).append('\n');
                        }
                    }
                });
                throw new AssertionError("pool did not reach " + bits + " bits: " + kms.link().snapshot() + "\n" + dump);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        https.dispatcher().executorService().shutdown();
        https.connectionPool().evictAll();
        server.stop();
        kms.close();
    }

    static Path tempHome() {
        try {
            return Files.createTempDirectory("qstcs-kms-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
