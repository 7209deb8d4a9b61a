package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityRoutes;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.link.LinkStatus;

/**
 * The KMS routes a device uses, over OkHttp: link status with its long-poll form, pair keys and
 * keys by id (the {@link KeySource} of a chat session). Every failure becomes a
 * {@link ClientException} whose message a soldier can act on. Blocking methods: call them off any
 * UI thread.
 */
public final class KmsClient implements KeySource {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    /** The KMS caps long-polls at 60 s; the read timeout must outlast the wait it asked for. */
    private static final Duration LONG_POLL_SLACK = Duration.ofSeconds(10);

    private final ClientConfig config;
    private final OkHttpClient http;
    private final HttpUrl base;

    public KmsClient(ClientConfig config) {
        this(config, HttpTransport.forConfig(config));
    }

    KmsClient(ClientConfig config, OkHttpClient http) {
        this.config = Objects.requireNonNull(config);
        this.http = http;
        this.base = HttpUrl.get(config.kmsUrl().toString());
    }

    /** The current link status. */
    public LinkStatus linkStatus() throws ClientException {
        return readLink(fetch(http, get(base.newBuilder().addPathSegment("link_status").build()), "/link_status"));
    }

    /**
     * Waits until the link status version differs from {@code knownVersion} or {@code wait} has
     * passed (the KMS long-poll), and returns the status then.
     */
    public LinkStatus awaitLinkChange(long knownVersion, Duration wait) throws ClientException {
        long seconds = Math.clamp(wait.toSeconds(), 1, 60);
        HttpUrl url = base.newBuilder().addPathSegment("link_status")
                .addQueryParameter("wait", Long.toString(seconds))
                .addQueryParameter("version", Long.toString(knownVersion)).build();
        OkHttpClient patient = http.newBuilder().readTimeout(Duration.ofSeconds(seconds).plus(LONG_POLL_SLACK)).build();
        return readLink(fetch(patient, get(url), "/link_status"));
    }

    /**
     * {@code POST /get_session_key}.
     *
     * @throws ClientException {@link ClientException.Problem#LINK_COMPROMISED} while the link is RED
     */
    @Override
    public IssuedKey pairKey(String peer, boolean hybrid, boolean fresh) throws ClientException {
        ObjectNode body = JSON.createObjectNode()
                .put("device_id", config.deviceId())
                .put("peer_id", peer)
                .put("pqc", hybrid)
                .put("rotate", fresh);
        Request request = authorized(new Request.Builder()
                .url(base.newBuilder().addPathSegment("get_session_key").build())
                .post(RequestBody.create(body.toString(), JSON_TYPE))).build();
        return toKey(call(http, request, "/get_session_key"));
    }

    /** {@code GET /keys/{key_id}}. */
    @Override
    public IssuedKey keyById(String peer, String keyId) throws ClientException {
        HttpUrl url = base.newBuilder().addPathSegment("keys").addPathSegment(keyId)
                // A KMS without device tokens learns who asks from this parameter.
                .addQueryParameter("device_id", config.deviceId()).build();
        return toKey(call(http, get(url), "/keys/{key_id}"));
    }

    /** {@code PUT /devices/me/identity_key}: publishes this device's public identity key. */
    public void publishIdentityKey(IdentityKey key) throws ClientException {
        ObjectNode body = JSON.createObjectNode()
                .put(IdentityRoutes.ALGORITHM, key.algorithm().wireName())
                .put(IdentityRoutes.PUBLIC_KEY, key.base64());
        Request request = authorized(new Request.Builder().url(base.resolve(IdentityRoutes.OWN_KEY))
                .put(RequestBody.create(body.toString(), JSON_TYPE))).build();
        call(http, request, IdentityRoutes.OWN_KEY);
    }

    /** {@code GET /devices/{id}/identity_key}; empty when {@code peer} has published none. */
    public Optional<IdentityKey> identityKey(String peer) throws ClientException {
        Request request = get(base.resolve(IdentityRoutes.peerKeyPath(ClientConfig.checkDeviceId(peer))));
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() == 404) {
                return Optional.empty();
            }
            if (!response.isSuccessful()) {
                throw httpProblem(response.code(), IdentityRoutes.PEER_KEY, parse(text));
            }
            JsonNode n = parse(text);
            try {
                return Optional.of(IdentityKey.fromBase64(n == null ? "" : n.path(IdentityRoutes.PUBLIC_KEY).asText("")));
            } catch (IllegalArgumentException e) {
                throw new ClientException(ClientException.Problem.PROTOCOL,
                        "The key service sent an identity key for " + peer + " that is not an identity key ("
                                + e.getMessage() + ").");
            }
        } catch (IOException e) {
            throw ioProblem(e);
        }
    }

    /** An entry of the device directory: an enrolled device and its identity-key fingerprint, if published. */
    public record DirectoryEntry(String deviceId, Optional<String> identityKeyFingerprint) {
    }

    /** {@code GET /devices}: the active enrolled devices, this one included. */
    public List<DirectoryEntry> directory() throws ClientException {
        JsonNode n = call(http, get(base.resolve(IdentityRoutes.DIRECTORY)), IdentityRoutes.DIRECTORY);
        List<DirectoryEntry> out = new ArrayList<>();
        for (JsonNode d : n.path(IdentityRoutes.DEVICES)) {
            String id = d.path(IdentityRoutes.DEVICE_ID).asText("");
            if (qstcs.crypto.wire.DeviceId.isValid(id)) {
                JsonNode fp = d.path(IdentityRoutes.IDENTITY_KEY_FINGERPRINT);
                out.add(new DirectoryEntry(id, fp.isTextual() ? Optional.of(fp.asText()) : Optional.empty()));
            }
        }
        return out;
    }

    private IssuedKey toKey(JsonNode n) throws ClientException {
        if (n.hasNonNull("error") || "RED".equals(n.path("status").asText())) {
            throw new ClientException(ClientException.Problem.LINK_COMPROMISED,
                    "The quantum link is compromised: the key service issues no key until the operator resets it.");
        }
        String keyId = n.path("key_id").asText("");
        String hex = n.path("key_hex").asText("");
        if (keyId.isEmpty() || hex.length() != KeyLength.HEX_CHARS) {
            throw new ClientException(ClientException.Problem.PROTOCOL,
                    "The key service at " + config.kmsUrl() + " sent a key this client cannot use.");
        }
        try {
            return IssuedKey.fromHex(keyId, hex);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ClientException.Problem.PROTOCOL,
                    "The key service at " + config.kmsUrl() + " sent a malformed key.");
        }
    }

    private Request get(HttpUrl url) {
        return authorized(new Request.Builder().url(url).get()).build();
    }

    private Request.Builder authorized(Request.Builder b) {
        config.deviceToken().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private LinkStatus readLink(String text) throws ClientException {
        try {
            return LinkStatus.parse(text);
        } catch (IllegalArgumentException e) {
            throw notAKeyService();
        }
    }

    private JsonNode call(OkHttpClient client, Request request, String route) throws ClientException {
        JsonNode json = parse(fetch(client, request, route));
        if (json == null || !json.isObject()) {
            throw notAKeyService();
        }
        return json;
    }

    /** The body of a successful answer; an error answer becomes the matching {@link ClientException}. */
    private String fetch(OkHttpClient client, Request request, String route) throws ClientException {
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw httpProblem(response.code(), route, parse(text));
            }
            return text;
        } catch (IOException e) {
            throw ioProblem(e);
        } catch (ClientException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // OkHttp (Kotlin) throws InterruptedException without declaring it when the calling
            // thread is interrupted while it connects: the session is closing its link watcher.
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.Problem.KMS_UNREACHABLE,
                    "Stopped while calling the key service at " + config.kmsUrl() + ".");
        }
    }

    private ClientException notAKeyService() {
        return new ClientException(ClientException.Problem.WRONG_URL, config.kmsUrl()
                + " answered, but not like a QSTCS key service. Check the KMS address.");
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private ClientException httpProblem(int code, String route, JsonNode json) {
        String said = json == null ? "" : json.path("error").asText("");
        String detail = json == null ? "" : json.path("detail").asText("");
        String reason = said.isEmpty() ? "" : ": " + said + (detail.isEmpty() ? "" : " (" + detail + ")");
        if (route.equals("/link_status") && code >= 400 && code < 500 && code != 401 && code != 403 && code != 429) {
            // Every QSTCS key service answers /link_status; whatever refuses it is something else.
            return new ClientException(ClientException.Problem.WRONG_URL, config.kmsUrl()
                    + " answered, but it is not a QSTCS key service (HTTP " + code + " on " + route
                    + "). Check the KMS address.");
        }
        if (code >= 500) {
            // The service is there but cannot answer now (shutting down, overloaded): like the relay's
            // 5xx, this is an outage to wait out and retry, not a wrong address.
            return new ClientException(ClientException.Problem.KMS_UNREACHABLE, "The key service at " + config.kmsUrl()
                    + " is not answering properly (HTTP " + code + " on " + route + reason + "); trying again.", true);
        }
        return switch (code) {
            case 410 -> new ClientException(ClientException.Problem.KEY_GONE,
                    "The key service revoked that key" + reason + ".");
            case 404, 405 -> json != null && !said.isEmpty() && route.startsWith("/keys")
                    ? new ClientException(ClientException.Problem.KEY_GONE,
                            "The key service does not know that key" + reason)
                    : new ClientException(ClientException.Problem.WRONG_URL, config.kmsUrl()
                            + " answered, but it is not a QSTCS key service (HTTP " + code + " on " + route
                            + "). Check the KMS address.");
            case 401, 403 -> new ClientException(ClientException.Problem.KEY_REFUSED,
                    "The key service refused " + config.deviceId() + reason + ".");
            default -> new ClientException(ClientException.Problem.PROTOCOL,
                    "The key service answered HTTP " + code + " on " + route + reason + ".");
        };
    }

    private ClientException ioProblem(IOException e) {
        String why = switch (e) {
            case ConnectException c -> "connection refused";
            case UnknownHostException u -> "unknown host name";
            case NoRouteToHostException n -> "no route to host";
            case SocketTimeoutException t -> "no answer in time";
            case InterruptedIOException i -> "interrupted";
            case SSLException s -> "the secure connection failed (" + s.getMessage() + ")";
            default -> "network error";
        };
        return new ClientException(ClientException.Problem.KMS_UNREACHABLE, "Cannot reach the key service at "
                + config.kmsUrl() + " (" + why + "). Check that the KMS is running and the address is right.");
    }
}
