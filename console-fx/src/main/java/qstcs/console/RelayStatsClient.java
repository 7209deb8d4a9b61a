package qstcs.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Reads the relay's {@code GET /stats}. The relay has no event stream, so the console asks every
 * few seconds; this is the only polled source (the KMS data comes from {@code /events}). The
 * operator token, sent only over TLS, lets the relay list the online device ids; without it the
 * relay gives the figures alone.
 */
public final class RelayStatsClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http;
    private final HttpUrl base;
    private final Optional<OperatorToken> token;

    public RelayStatsClient(OkHttpClient http, HttpUrl base) {
        this(http, base, Optional.empty());
    }

    public RelayStatsClient(OkHttpClient http, HttpUrl base, Optional<OperatorToken> token) {
        this.http = http;
        this.base = base;
        this.token = base.isHttps() ? token : Optional.empty();
    }

    HttpUrl base() {
        return base;
    }

    public RelayStats stats() throws KmsCallException {
        Request.Builder builder = new Request.Builder().url(base.resolve("stats")).get();
        token.ifPresent(t -> builder.header("Authorization", t.authorizationHeader()));
        Request request = builder.build();
        try (Response response = http.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw new KmsCallException("The relay answered /stats with HTTP " + response.code());
            }
            return RelayStats.fromJson(MAPPER.readTree(response.body().string()));
        } catch (KmsCallException e) {
            throw e;
        } catch (IOException e) {
            throw new KmsCallException("The relay at " + base + " cannot be reached.");
        }
    }
}
