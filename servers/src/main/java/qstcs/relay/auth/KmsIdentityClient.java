package qstcs.relay.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * Calls the KMS's relay-only routes over TLS, pinning the QSTCS CA and presenting the relay token:
 * {@code POST /auth/introspect} and the {@code GET /auth/revocations} long-poll.
 */
public final class KmsIdentityClient implements AutoCloseable {

    /** One answer of the revocation feed. */
    public record Revocations(String epoch, long seq, List<String> revoked) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final URI kmsTls;
    private final String relayToken;
    private final HttpClient http;

    /**
     * @param kmsTls the KMS TLS base URL, e.g. {@code https://127.0.0.1:8443}
     * @param ca the CA to pin
     * @param relayToken the relay's service token (never logged)
     */
    public KmsIdentityClient(URI kmsTls, CaFingerprint ca, String relayToken) {
        this.kmsTls = Objects.requireNonNull(kmsTls, "kmsTls");
        this.relayToken = Objects.requireNonNull(relayToken, "relayToken");
        this.http = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(ca).sslContext())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI kmsTls() {
        return kmsTls;
    }

    /** The device a token belongs to while active; empty for an unknown or revoked token. */
    public Optional<String> introspect(String deviceToken) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("token", deviceToken).toString();
        JsonNode reply = send(HttpRequest.newBuilder(kmsTls.resolve("/auth/introspect"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "token introspection");
        if (reply.path("active").asBoolean(false) && reply.path("device_id").isTextual()) {
            return Optional.of(reply.get("device_id").asText());
        }
        return Optional.empty();
    }

    /** Whether {@code token} is the KMS's operator token (introspection names its role). */
    public boolean isOperator(String token) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("token", token).toString();
        JsonNode reply = send(HttpRequest.newBuilder(kmsTls.resolve("/auth/introspect"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), "token introspection");
        return reply.path("active").asBoolean(false) && "operator".equals(reply.path("role").asText(""));
    }

    /** Revocations after {@code after}, waiting up to {@code wait} for the next one. */
    public Revocations revocations(long after, Duration wait) throws IOException, InterruptedException {
        JsonNode reply = send(HttpRequest.newBuilder(kmsTls.resolve("/auth/revocations?after=" + after
                        + "&wait=" + wait.toSeconds()))
                .timeout(wait.plus(REQUEST_TIMEOUT)).GET(), "revocation feed");
        List<String> ids = new ArrayList<>();
        reply.path("revoked").forEach(n -> ids.add(n.asText()));
        return new Revocations(reply.path("epoch").asText(""), reply.path("seq").asLong(0), ids);
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(request.header("Authorization", "Bearer " + relayToken).build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            // The KMS's error body never carries secrets, but keep the message short anyway.
            String detail = res.body().length() > 200 ? res.body().substring(0, 200) : res.body();
            throw new IOException("KMS " + what + " answered " + res.statusCode() + " " + detail
                    + (res.statusCode() == 401 || res.statusCode() == 403
                    ? " (is the relay token the one in $QSTCS_HOME/kms/relay.token?)" : ""));
        }
        return JSON.readTree(res.body());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "KmsIdentityClient[" + kmsTls + "]";
    }
}
