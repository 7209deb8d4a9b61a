package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.tls.RelayAddresses;

/**
 * Redeems an enrollment string ({@code qstcs://HOST:8443/?device=…&code=…&ca=sha256:…&relay=…}):
 * {@code POST /enroll} over TLS pinned to the CA the string names, which answers the device token
 * and the relays to use (every relay of a cluster when the KMS was given several).
 * The one-time code is spent by this call; the caller saves the result with
 * {@link DeviceCredentials#save}.
 */
public final class Enrollment {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private Enrollment() {
    }

    /** Enrolls the device the string names; failures are {@link ClientException}s in plain words. */
    public static DeviceCredentials enroll(EnrollmentUri uri) throws ClientException {
        PinnedCaTrust trust = PinnedCaTrust.of(uri.ca());
        OkHttpClient http = new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(15)).build();
        String body = JSON.createObjectNode().put("device_id", uri.deviceId()).put("code", uri.code()).toString();
        Request request = new Request.Builder().url(uri.kmsUrl().resolve("/enroll").toString())
                .post(RequestBody.create(body, JSON_TYPE)).build();
        try (Response response = http.newCall(request).execute()) {
            JsonNode json = JSON.readTree(response.body().string());
            if (response.code() != 200) {
                String detail = json.path("detail").asText("HTTP " + response.code());
                throw new ClientException(ClientException.Problem.KEY_REFUSED,
                        "Enrollment of " + uri.deviceId() + " was refused: " + detail);
            }
            return new DeviceCredentials(uri.deviceId(), json.path("device_token").asText(), uri.kmsUrl(),
                    relays(json, uri), uri.ca());
        } catch (SSLHandshakeException e) {
            throw new ClientException(ClientException.Problem.KMS_UNREACHABLE, "The key service at " + uri.kmsUrl()
                    + " is not the one this enrollment string names (" + rootMessage(e) + ").");
        } catch (IOException e) {
            throw new ClientException(ClientException.Problem.KMS_UNREACHABLE, "Cannot reach the key service at "
                    + uri.kmsUrl() + " to enroll (" + rootMessage(e) + ").");
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /**
     * The KMS's current relays, which win over the string's (the operator may have moved the relays
     * since printing it): {@code relay_urls}, else the older single {@code relay_url}, else the string's.
     */
    private static List<URI> relays(JsonNode json, EnrollmentUri uri) {
        if (json.path("relay_urls").isArray() && !json.path("relay_urls").isEmpty()) {
            List<URI> out = new ArrayList<>();
            json.get("relay_urls").forEach(u -> out.add(ClientConfig.parseRelayUrl(u.asText())));
            return RelayAddresses.check(out);
        }
        if (json.hasNonNull("relay_url")) {
            return List.of(ClientConfig.parseRelayUrl(json.get("relay_url").asText()));
        }
        return uri.relayUrls();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
