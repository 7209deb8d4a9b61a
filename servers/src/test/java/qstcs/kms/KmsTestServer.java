package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;


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

import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.wire.DeviceId;
import qstcs.server.pki.ServerIdentity;
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
    /** The listeners' connection gates (plain, then TLS). */
    final List<qstcs.server.http.ConnectionGate> gates;
    final OkHttpClient http;
    final OkHttpClient https;
    final ServerIdentity identity;
    /** The device a request acts as when it names none (or names it unreadably). */
    static final String DEFAULT_DEVICE = "A";
    private final Map<String, String> deviceTokens = new java.util.concurrent.ConcurrentHashMap<>();

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
     * @param app   extra {@code app.*} settings (e.g. {@code cascade=ORIGINAL})
     * @param flags command-line flags as the launcher would pass them
     */
    KmsTestServer(Path home, Map<String, String> app, String... flags) {
        this(home, InstantSource.system(), app, flags);
    }

    /** @param clock the KMS's clock (a settable one expires enrollment codes without waiting) */
    KmsTestServer(Path home, InstantSource clock, Map<String, String> app, String... flags) {
        this(home, clock, app, Map.of(), flags);
    }

    /**
     * @param listeners extra settings of both listeners, as under {@code server} in
     *                  {@code application.yaml} (e.g. {@code max-tcp-connections=40})
     */
    KmsTestServer(Path home, InstantSource clock, Map<String, String> app, Map<String, String> listeners,
                  String... flags) {
        this.home = home;
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "server.host", "127.0.0.1",
                "server.port", "0",
                "server.sockets.0.name", KmsServer.TLS_SOCKET,
                "server.sockets.0.host", "127.0.0.1",
                "server.sockets.0.port", "0"));
        app.forEach((k, v) -> props.put("app." + k, v));
        listeners.forEach((k, v) -> {
            props.put("server." + k, v);
            props.put("server.sockets.0." + k, v);
        });
        Config config = Config.just(ConfigSources.create(props));
        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--bind", "127.0.0.1",
                "--port", "0", "--tls-port", "0", "--round-ms", "200", "--qubits", "16384"));
        args.addAll(List.of(flags));
        KmsSettings settings = KmsSettings.from(config, CommandLine.parse(args.toArray(String[]::new),
                Main.valueFlags(), Main.switches()));
        kms = Kms.open(settings, clock);
        identity = kms.identity().serverIdentity();
        WebServerConfig.Builder b = WebServer.builder().config(config.get("server")).shutdownHook(false);
        gates = KmsServer.setup(b, kms, identity.tlsAskingClientCertificates());
        server = b.build().start();
        kms.start();
        http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(70)).build();
        PinnedCaTrust trust = PinnedCaTrust.of(identity.caFingerprint());
        https = new OkHttpClient.Builder().sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .readTimeout(Duration.ofSeconds(70)).build();
    }

    /** A service token the KMS created in this server's home (operator.token, router.token, relay.token). */
    String serviceToken(String file) {
        try {
            return Files.readString(home.resolve("kms").resolve(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TLS sockets that trust this KMS's CA (for tests that speak raw HTTP over TLS). */
    javax.net.ssl.SSLSocketFactory identitySocketFactory() {
        return PinnedCaTrust.of(identity.caFingerprint()).sslContext().getSocketFactory();
    }

    /** The device token of {@code deviceId}, issued by the KMS on first use in this test. */
    String deviceToken(String deviceId) {
        return deviceTokens.computeIfAbsent(deviceId, id -> kms.identity().devices().issueToken(id));
    }

    /**
     * A request as the route's legitimate caller would send it (docs/identity.md): public routes over
     * plain HTTP without a token; router heartbeats over plain HTTP with the router token;
     * device routes over TLS with the token of the device the request names (body or query
     * {@code device_id}, else {@value #DEFAULT_DEVICE}); {@code /auth/*} with the relay token;
     * every other route over TLS with the operator token. Tests of authorization itself build
     * their requests by hand instead.
     */
    Request.Builder asLegitimateCaller(String method, String path, RequestBody body, String bodyText) {
        Request.Builder b = new Request.Builder().method(method, body);
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (bare.equals("/link_status") || bare.startsWith("/observe")) {
            return b.url(url(path));
        }
        if (bare.equals("/router/heartbeat")) {
            return b.url(url(path)).header("X-Router-Token", serviceToken("router.token"));
        }
        b.url(tlsUrl(path));
        if (bare.equals("/get_session_key") || bare.startsWith("/keys/")) {
            return b.header("Authorization", "Bearer " + deviceToken(namedDevice(path, bodyText)));
        }
        if (bare.equals("/enroll")) {
            return b;
        }
        String token = bare.startsWith("/auth/") ? serviceToken("relay.token") : serviceToken("operator.token");
        return b.header("Authorization", "Bearer " + token);
    }

    private static String namedDevice(String path, String bodyText) {
        java.util.regex.Matcher q = java.util.regex.Pattern.compile("[?&]device_id=(" + DeviceId.PATTERN.pattern() + ")(&|$)").matcher(path);
        if (q.find()) {
            return q.group(1);
        }
        if (bodyText != null) {
            try {
                JsonNode id = MAPPER.readTree(bodyText).path("device_id");
                if (id.isTextual() && DeviceId.isValid(id.asText())) {
                    return id.asText();
                }
            } catch (IOException | RuntimeException notJson) {
                // fall through: bad bodies are sent with the default device's token
            }
        }
        return DEFAULT_DEVICE;
    }

    Reply request(String method, String path, String json) {
        RequestBody body = json == null ? null : RequestBody.create(json, JSON);
        Request request = asLegitimateCaller(method, path, body, json).build();
        return call(request.isHttps() ? https : http, request);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    String tlsUrl(String path) {
        return "https://localhost:" + server.port(KmsServer.TLS_SOCKET) + path;
    }

    /** GET as the route's legitimate caller ({@link #asLegitimateCaller}). */
    Reply get(String path) {
        return request("GET", path, null);
    }

    /** POST as the route's legitimate caller ({@link #asLegitimateCaller}). */
    Reply post(String path, String json) {
        return request("POST", path, json);
    }

    /** Over TLS whatever the route, as its legitimate caller. */
    Reply tlsPost(String path, String json) {
        Request r = asLegitimateCaller("POST", path, RequestBody.create(json, JSON), json).url(tlsUrl(path)).build();
        return call(https, r);
    }

    /** Over TLS whatever the route, as its legitimate caller. */
    Reply tlsGet(String path) {
        return call(https, asLegitimateCaller("GET", path, null, null).url(tlsUrl(path)).build());
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
        KmsServer.stop(server, gates, kms);
    }

    static Path tempHome() {
        try {
            return Files.createTempDirectory("qstcs-kms-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
