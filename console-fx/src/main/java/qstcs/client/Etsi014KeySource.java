package qstcs.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;

/**
 * Pair keys from any ETSI GS QKD 014 KME. The device that needs a key first is the master: it
 * calls {@code enc_keys} for its peer and seals its frames under the returned {@code key_ID},
 * which travels in the frame's authenticated header. The peer, meeting an unknown key id, calls
 * {@code dec_keys} at its own KME with the sender as master. A KME hands a key to each slave once,
 * so keys obtained here are remembered (in memory, a bounded few) until a breach wipes them.
 * A 503 is a breach: the KME cannot serve (RED on a QSTCS KMS).
 */
public final class Etsi014KeySource implements KeySource {
    /** The chat's keys: 256 bits. */
    private static final int KEY_BITS = KeyLength.BITS;
    /** Keys remembered for frames in flight and for the peer's hybrid handshake. */
    private static final int REMEMBERED = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    private final KmeEndpoint kme;
    private final OkHttpClient http;
    private final HttpUrl keys;
    private final Map<String, SecretBytes> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SecretBytes> eldest) {
            if (size() > REMEMBERED) {
                eldest.getValue().destroy();
                return true;
            }
            return false;
        }
    };

    public Etsi014KeySource(KmeEndpoint kme) {
        this.kme = kme;
        this.http = new OkHttpClient.Builder()
                .sslSocketFactory(kme.sae().sslContext().getSocketFactory(), kme.sae().trustManager())
                .callTimeout(Duration.ofSeconds(30)).build();
        this.keys = HttpUrl.get(kme.url().toString() + "/api/v1/keys/");
    }

    /** {@code POST enc_keys} for {@code peer}: a fresh key whatever {@code fresh} says. */
    @Override
    public IssuedKey pairKey(String peer, boolean hybrid, boolean fresh) throws ClientException {
        HttpUrl url = keys.newBuilder().addPathSegment(peer).addPathSegment("enc_keys").build();
        String body = "{\"number\":1,\"size\":" + KEY_BITS + "}";
        return remember(call(new Request.Builder().url(url).post(RequestBody.create(body, JSON_TYPE)).build(), "enc_keys"));
    }

    /** A key remembered here, else {@code GET dec_keys?key_ID=} with {@code peer} as the master SAE. */
    @Override
    public IssuedKey keyById(String peer, String keyId) throws ClientException {
        synchronized (known) {
            SecretBytes k = known.get(keyId);
            if (k != null) {
                return new IssuedKey(keyId, copy(k));
            }
        }
        HttpUrl url = keys.newBuilder().addPathSegment(peer).addPathSegment("dec_keys")
                .addQueryParameter("key_ID", keyId).build();
        IssuedKey key = remember(call(new Request.Builder().url(url).get().build(), "dec_keys"));
        if (!key.keyId().equals(keyId)) {
            key.destroy();
            throw new ClientException(ClientException.Problem.PROTOCOL, "The KME at " + kme.url()
                    + " answered dec_keys with another key than the one asked for.");
        }
        return key;
    }

    @Override
    public void forgetAll() {
        synchronized (known) {
            known.values().forEach(SecretBytes::destroy);
            known.clear();
        }
    }

    private IssuedKey remember(IssuedKey key) {
        synchronized (known) {
            SecretBytes old = known.put(key.keyId(), copy(key.secret()));
            if (old != null) {
                old.destroy();
            }
        }
        return key;
    }

    private static SecretBytes copy(SecretBytes k) {
        byte[] raw = k.toByteArray();
        try {
            return SecretBytes.copyOf(raw);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    /** One call; the first key of the Key container, or the ClientException its status means. */
    private IssuedKey call(Request request, String route) throws ClientException {
        try (Response r = http.newCall(request).execute()) {
            String text = r.body().string();
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (IOException notJson) {
                body = JSON.createObjectNode();
            }
            String message = body.path("message").asText("");
            switch (r.code()) {
                case 200 -> {
                    return firstKey(body, route);
                }
                case 503 -> throw new ClientException(ClientException.Problem.LINK_COMPROMISED,
                        "The KME at " + kme.url() + " cannot serve keys" + (message.isEmpty() ? "" : ": " + message));
                case 401 -> throw new ClientException(ClientException.Problem.KEY_REFUSED, "The KME at " + kme.url()
                        + " refused SAE " + kme.saeId() + " on " + route + (message.isEmpty() ? "" : ": " + message));
                default -> throw new ClientException(ClientException.Problem.KEY_REFUSED, "The KME at " + kme.url()
                        + " answered " + r.code() + " to " + route + (message.isEmpty() ? "" : ": " + message));
            }
        } catch (IOException e) {
            throw new ClientException(ClientException.Problem.KMS_UNREACHABLE,
                    "The KME at " + kme.url() + " cannot be reached (" + e.getClass().getSimpleName() + ").");
        }
    }

    private IssuedKey firstKey(JsonNode container, String route) throws ClientException {
        JsonNode k = container.path("keys").path(0);
        String id = k.path("key_ID").asText("");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(k.path("key").asText(""));
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        try {
            if (id.isEmpty() || raw.length != KeyLength.BYTES) {
                throw new ClientException(ClientException.Problem.PROTOCOL, "The KME at " + kme.url()
                        + " sent a " + route + " answer without a 256-bit key.");
            }
            return new IssuedKey(id, SecretBytes.copyOf(raw));
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "Etsi014KeySource[" + kme + "]";
    }
}
