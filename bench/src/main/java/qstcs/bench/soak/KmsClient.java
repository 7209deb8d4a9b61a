package qstcs.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.FrameSealer;
import qstcs.crypto.wire.FlatJson;

/**
 * The KMS's routes as the soak's devices, operator and hostile client call them: over TLS with the
 * KMS's CA pinned, HTTP/1.1 keep-alive, each reply timed from the request's start to its last byte.
 */
final class KmsClient implements AutoCloseable {

    /** A reply and how long it took. */
    record Reply(int status, String body, long nanos) {
    }

    private final HttpClient http;
    private final String tlsBase;
    private final String plainBase;

    KmsClient(SSLContext pinned, int tlsPort, int plainPort) {
        // The KMS closes a kept-alive connection after 10 s without a request; dropping idle ones
        // sooner keeps the client from sending a POST down a connection the server is closing.
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(pinned)
                .connectTimeout(Duration.ofSeconds(10)).build();
        tlsBase = "https://127.0.0.1:" + tlsPort;
        plainBase = "http://127.0.0.1:" + plainPort;
    }

    Reply post(String path, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder req = request(tlsBase + path, bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(req.build());
    }

    Reply get(String path, String bearer) throws IOException, InterruptedException {
        return send(request(tlsBase + path, bearer).GET().build());
    }

    Reply delete(String path, String bearer) throws IOException, InterruptedException {
        return send(request(tlsBase + path, bearer).DELETE().build());
    }

    /** {@code GET /link_status} on the plain port, as the router guard reads it. */
    String linkColour() throws IOException, InterruptedException {
        Reply r = send(request(plainBase + "/link_status", null).GET().build());
        return FlatJson.parseWithFractions(r.body()).string("status");
    }

    /**
     * The pair key of {@code device} and {@code peer} as a sealer, or null while the link is RED
     * (the KMS answers 200 with an error and no key then).
     *
     * @param timing receives the request's latency when a key was issued
     */
    FrameSealer pairKey(String device, String token, String peer, java.util.function.LongConsumer timing)
            throws IOException, InterruptedException {
        Reply r = post("/get_session_key", "{\"device_id\":\"" + device + "\",\"peer_id\":\"" + peer + "\"}", token);
        return sealerFrom(r, timing);
    }

    /** The key {@code keyId} (a frame arrived under it) as a sealer, or null when the KMS has none for us. */
    FrameSealer keyById(String keyId, String token) throws IOException, InterruptedException {
        return sealerFrom(get("/keys/" + keyId, token), n -> { });
    }

    private static FrameSealer sealerFrom(Reply r, java.util.function.LongConsumer timing) throws IOException {
        if (r.status() != 200) {
            throw new IOException("the KMS answered " + r.status());
        }
        FlatJson o = FlatJson.parseWithFractions(r.body());
        if (!o.has("key_hex")) {
            return null; // RED: no key issued
        }
        timing.accept(r.nanos());
        SecretBytes key = SecretBytes.fromHex(o.string("key_hex"));
        try {
            return new FrameSealer(o.string("key_id"), key);
        } finally {
            key.destroy();
        }
    }

    private static HttpRequest.Builder request(String url, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private Reply send(HttpRequest req) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body(), System.nanoTime() - start);
    }

    @Override
    public void close() {
        http.shutdownNow(); // a request still waiting on a flooded listener must not hold up the end
    }
}
