package qstcs.kms.etsi014;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import qstcs.crypto.tls.SaeCredentials;
import qstcs.kms.KmsServer;
import qstcs.server.pki.IssueCertCommand;
import qstcs.server.pki.LocalCa;

/**
 * An ETSI 014 SAE for tests: its certificate is made by the real {@code issue-cert --for sae}
 * command in the KMS's home, and it calls the KMS over mutual TLS with OkHttp.
 */
final class SaeClient {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final MediaType JSON = MediaType.get("application/json");

    /** A reply: status code, body text and its JSON (null when the body is not JSON). */
    record Reply(int code, String body, JsonNode json) {
        @Override
        public String toString() {
            return code + " " + body;
        }
    }

    final String id;
    final OkHttpClient http;
    private final String base;

    SaeClient(String id, OkHttpClient http, String base) {
        this.id = id;
        this.http = http;
        this.base = base;
    }

    /** Issues {@code id}'s certificate with the CLI into {@code dir} and connects to {@code kms}. */
    static SaeClient issued(KmsServer kms, String id, Path dir) {
        Path pem = dir.resolve(id + ".pem");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = IssueCertCommand.run(new String[]{"--for", "sae", "--id", id, "--out", pem.toString(),
                "--home", kms.home().toString()}, new PrintStream(out), new PrintStream(err));
        if (rc != 0) {
            throw new AssertionError("issue-cert failed (" + rc + "): " + err.toString(StandardCharsets.UTF_8));
        }
        try {
            return withCredentials(kms, id, SaeCredentials.read(pem, caFile(kms)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path caFile(KmsServer kms) {
        return kms.home().resolve("kms").resolve(LocalCa.CERT_FILE);
    }

    static SaeClient withCredentials(KmsServer kms, String id, SaeCredentials c) {
        OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60))
                .sslSocketFactory(c.sslContext().getSocketFactory(), c.trustManager()).build();
        return new SaeClient(id, http, kms.tlsUrl());
    }

    Reply get(String path) {
        return call(new Request.Builder().url(base + path).get().build());
    }

    Reply post(String path, String json) {
        return call(new Request.Builder().url(base + path).post(RequestBody.create(json, JSON)).build());
    }

    Reply method(String method, String path, String json) {
        return call(new Request.Builder().url(base + path)
                .method(method, json == null ? null : RequestBody.create(json, JSON)).build());
    }

    Reply call(Request request) {
        return call(http, request);
    }

    static Reply call(OkHttpClient http, Request request) {
        try (Response r = http.newCall(request).execute()) {
            String body = r.body().string();
            JsonNode json = null;
            try {
                json = body.isEmpty() ? null : MAPPER.readTree(body);
            } catch (IOException notJson) {
                // left null
            }
            return new Reply(r.code(), body, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST enc_keys for {@code slave} with a raw JSON body. */
    Reply encKeys(String slave, String body) {
        return post("/api/v1/keys/" + slave + "/enc_keys", body);
    }

    /** POST dec_keys at {@code master}'s route for the given key ids. */
    Reply decKeys(String master, String... keyIds) {
        StringBuilder b = new StringBuilder("{\"key_IDs\":[");
        for (int i = 0; i < keyIds.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"key_ID\":\"").append(keyIds[i]).append("\"}");
        }
        return post("/api/v1/keys/" + master + "/dec_keys", b.append("]}").toString());
    }

    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
