package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import qstcs.crypto.link.LinkStatus;

/**
 * The operator's side of the KMS HTTP API: link status, Force Attack, Reset, the eavesdropper,
 * enrollment codes and the audit log; {@link KmsEventStream} adds the live event stream. Blocking
 * calls; the console runs them in background tasks, the headless demo in its own thread.
 * The operator token, when present, goes on every call as a bearer header; TLS pinning lives in
 * the {@link OkHttpClient} handed in, so this class does not change when the KMS moves to TLS.
 */
public final class KmsOperatorClient {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OkHttpClient http;
    private final HttpUrl base;
    private final Optional<OperatorToken> token;

    public KmsOperatorClient(OkHttpClient http, HttpUrl base, Optional<OperatorToken> token) {
        this.http = http;
        this.base = base;
        this.token = token;
    }

    public HttpUrl base() {
        return base;
    }

    public LinkStatus linkStatus() throws ClientException {
        String where = "GET /link_status";
        try {
            return LinkStatus.parse(fetch(get("link_status")));
        } catch (IllegalArgumentException e) {
            throw new ClientException(ClientException.Problem.WRONG_URL,
                    "The KMS answered " + where + " with something that is not a link status.");
        }
    }

    /** Runs one full intercept–resend round now; the KMS latches RED. */
    public JsonNode forceAttack() throws ClientException {
        return forceAttack("");
    }

    /** As {@link #forceAttack()}, with the operator's reason for the audit log (blank: none). */
    public JsonNode forceAttack(String reason) throws ClientException {
        return call(post("force_attack", reasonBody(reason)));
    }

    public JsonNode reset() throws ClientException {
        return reset("");
    }

    /** Resets the link, with the operator's reason for the audit log (blank: none). */
    public JsonNode reset(String reason) throws ClientException {
        return call(post("reset", reasonBody(reason)));
    }

    private static Map<String, Object> reasonBody(String reason) {
        return reason == null || reason.isBlank() ? Map.of() : Map.of("reason", reason.strip());
    }

    /** Switches the persistent eavesdropper; {@code interceptRate} is the fraction of qubits Eve measures. */
    public JsonNode setEve(boolean active, double interceptRate) throws ClientException {
        if (!(interceptRate >= 0 && interceptRate <= 1)) {
            throw new IllegalArgumentException("intercept rate must be within 0..1, got " + interceptRate);
        }
        return call(post("eve", Map.of("active", active, "intercept_rate", interceptRate)));
    }

    /**
     * Creates a one-time enrollment code for {@code deviceId} ({@code POST /admin/enrollments});
     * the answer carries {@code enrollment_uri} and {@code expires_at}.
     */
    public JsonNode createEnrollment(String deviceId) throws ClientException {
        return call(post("admin/enrollments", Map.of("device_id", deviceId)));
    }

    /** The newest audit entries, newest first. */
    public List<AuditEntry> recentAudit(int limit) throws ClientException {
        HttpUrl url = base.newBuilder().addPathSegments("admin/audit")
                .addQueryParameter("limit", Integer.toString(limit)).build();
        JsonNode json = call(authorized(new Request.Builder().url(url).get()).build());
        JsonNode items = json.isArray() ? json : firstArray(json, "entries", "events", "audit", "items");
        List<AuditEntry> entries = new ArrayList<>();
        items.forEach(item -> entries.add(AuditEntry.fromJson(item)));
        entries.sort((a, b) -> b.id() != a.id() ? Long.compare(b.id(), a.id()) : b.at().compareTo(a.at()));
        return entries;
    }

    /** One page of the audit log, newest first, older than the id {@code before} (0 for the newest page). */
    public AuditPage auditPage(int limit, long before) throws ClientException {
        HttpUrl.Builder url = base.newBuilder().addPathSegments("admin/audit")
                .addQueryParameter("limit", Integer.toString(limit));
        if (before > 0) {
            url.addQueryParameter("before", Long.toString(before));
        }
        JsonNode json = call(authorized(new Request.Builder().url(url.build()).get()).build());
        List<AuditEntry> entries = new ArrayList<>();
        json.path("entries").forEach(item -> entries.add(AuditEntry.fromJson(item)));
        JsonNode next = json.path("next_before");
        return new AuditPage(entries, next.isNumber() ? next.asLong() : 0);
    }

    /** A page of {@link #auditPage}; {@code nextBefore} is 0 when there is nothing older. */
    public record AuditPage(List<AuditEntry> entries, long nextBefore) {
    }

    /** The link's history for the charts: {@code range} is {@code 5m}, {@code 1h} or {@code all}. */
    public JsonNode history(String range) throws ClientException {
        return call(authorized(new Request.Builder().url(base.newBuilder().addPathSegments("admin/history")
                .addQueryParameter("range", range).build()).get()).build());
    }

    /** The breach alarms, newest first, with the count still unacknowledged. */
    public JsonNode alarms() throws ClientException {
        return call(get("admin/alarms"));
    }

    /** Acknowledges alarm {@code id} as this operator, with an optional note for the audit log. */
    public JsonNode acknowledgeAlarm(long id, String note) throws ClientException {
        return call(post("admin/alarms/" + id + "/ack", note.isBlank() ? Map.of() : Map.of("note", note.strip())));
    }

    /** The enrolled devices ({@code device_id}, {@code active}, {@code enrolled_at}, {@code last_seen}…). */
    public JsonNode devices() throws ClientException {
        return call(get("admin/devices"));
    }

    /** Revokes a device: its token stops working and the relay closes its sessions. */
    public JsonNode revokeDevice(String deviceId) throws ClientException {
        return call(authorized(new Request.Builder().url(base.newBuilder().addPathSegments("admin/devices")
                .addPathSegment(deviceId).build()).delete()).build());
    }

    /** The ETSI 014 SAE certificates this KMS's CA issued. */
    public JsonNode saeCertificates() throws ClientException {
        return call(get("admin/sae-certs"));
    }

    /**
     * Issues an SAE client certificate and returns the PEM file's bytes (private key and chain):
     * the caller writes them to a file the operator chose and wipes the array; never shown or logged.
     */
    public byte[] issueSaeCertificate(String saeId) throws ClientException {
        Request request = post("admin/sae-certs", Map.of("sae_id", saeId));
        try (Response response = http.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            if (!response.isSuccessful()) {
                JsonNode json = parse(new String(body, java.nio.charset.StandardCharsets.UTF_8), where(request));
                throw new ClientException(ClientException.Problem.OPERATION_REFUSED, "The KMS refused "
                        + where(request) + " (HTTP " + response.code() + "): " + describeError(json, response.message()));
            }
            return body;
        } catch (IOException e) {
            throw unreachable("The call " + where(request) + " to " + base + " failed: " + e.getClass().getSimpleName());
        }
    }

    /** Revokes every certificate of an SAE; its key routes answer 401 from the next request. */
    public JsonNode revokeSaeCertificates(String saeId) throws ClientException {
        return call(authorized(new Request.Builder().url(base.newBuilder().addPathSegments("admin/sae-certs")
                .addPathSegment(saeId).build()).delete()).build());
    }

    /** The request for the KMS event stream ({@code GET /events}), with the operator token. */
    Request eventsRequest() {
        return authorized(new Request.Builder().url(base.resolve("events")).header("Accept", "text/event-stream"))
                .build();
    }

    private static JsonNode firstArray(JsonNode json, String... names) {
        for (String name : names) {
            if (json.path(name).isArray()) {
                return json.get(name);
            }
        }
        return MAPPER.createArrayNode();
    }

    private Request get(String path) {
        return authorized(new Request.Builder().url(base.resolve(path)).get()).build();
    }

    private Request post(String path, Map<String, Object> body) throws ClientException {
        try {
            return authorized(new Request.Builder().url(base.resolve(path))
                    .post(RequestBody.create(MAPPER.writeValueAsBytes(body), JSON))).build();
        } catch (IOException e) {
            throw new ClientException(ClientException.Problem.PROTOCOL, "cannot encode the request to " + path);
        }
    }

    private Request.Builder authorized(Request.Builder request) {
        token.ifPresent(t -> request.header("Authorization", t.authorizationHeader()));
        return request;
    }

    private JsonNode call(Request request) throws ClientException {
        String text = fetch(request);
        return text.isBlank() ? MAPPER.createObjectNode() : parse(text, where(request));
    }

    private static String where(Request request) {
        return request.method() + " " + request.url().encodedPath();
    }

    /** The body of a successful answer; a refusal or a network failure becomes a {@link ClientException}. */
    private String fetch(Request request) throws ClientException {
        String where = where(request);
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            String text = body.string();
            if (!response.isSuccessful()) {
                JsonNode json = text.isBlank() ? MAPPER.createObjectNode() : parse(text, where);
                throw new ClientException(ClientException.Problem.OPERATION_REFUSED, "The KMS refused " + where
                        + " (HTTP " + response.code() + "): " + describeError(json, response.message()));
            }
            return text;
        } catch (ClientException e) {
            throw e;
        } catch (ConnectException | UnknownHostException e) {
            throw unreachable("The KMS at " + base + " cannot be reached. Is it running?");
        } catch (javax.net.ssl.SSLException e) {
            throw unreachable("The KMS at " + base + " is not trusted: " + KmsOperatorClient.tlsProblem(e));
        } catch (SocketTimeoutException e) {
            throw unreachable("The KMS at " + base + " did not answer " + where + " in time.");
        } catch (IOException e) {
            throw unreachable("The call " + where + " to " + base + " failed: " + e.getClass().getSimpleName());
        }
    }

    private static ClientException unreachable(String message) {
        return new ClientException(ClientException.Problem.KMS_UNREACHABLE, message);
    }

    /** A TLS failure in operator words: the pin comes from the KMS's own CA. */
    static String tlsProblem(javax.net.ssl.SSLException e) {
        return "its certificate does not chain to the pinned QSTCS CA (" + KmsTrust.caFile(java.nio.file.Path.of("$QSTCS_HOME"))
                + " or $" + KmsTrust.ENV + ")" + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static JsonNode parse(String text, String where) throws ClientException {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ClientException(ClientException.Problem.WRONG_URL,
                    "The KMS answered " + where + " with something that is not JSON.");
        }
    }

    private static String describeError(JsonNode json, String fallback) {
        String error = json.path("error").asText("");
        String detail = json.path("detail").asText("");
        if (error.isEmpty()) {
            return fallback.isEmpty() ? "no reason given" : fallback;
        }
        return detail.isEmpty() ? error : error + " — " + detail;
    }
}
