package qstcs.kms.identity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import qstcs.crypto.identity.IdentityAlgorithm;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.identity.IdentityRoutes;
import qstcs.crypto.tls.EnrollmentUri;
import qstcs.server.common.ApiError;
import qstcs.kms.store.StorageUnavailableException;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;
import qstcs.server.http.RouteTable;

/**
 * The identity routes, TLS listener only: enrollment codes and device administration for the
 * operator, {@code /enroll} for a new device, the directory and public identity keys for
 * enrolled devices ({@link IdentityRoutes}), and token introspection plus the revocation feed
 * for the relay. They join the KMS route table like every other route, so the same access check
 * ({@link AccessPolicy}) runs before each handler.
 */
public final class IdentityService {

    private static final long MAX_BODY = 4 * 1024;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9 -]{1,64}");
    private static final Pattern TOKEN_TEXT = Pattern.compile("[\\x21-\\x7e]{1,256}");
    private static final Pattern DEVICE_ID_TEXT = Pattern.compile(".{1,200}", Pattern.DOTALL);
    private static final long MAX_WAIT_SECONDS = 60;
    /** A base64 ML-DSA-65 public key is 2632 characters. */
    private static final long MAX_KEY_BODY = 8 * 1024;
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]{1,4096}");
    private static final Pattern IDENTITY_ALGORITHM = Pattern.compile(java.util.Arrays.stream(IdentityAlgorithm.values())
            .map(a -> Pattern.quote(a.wireName())).collect(java.util.stream.Collectors.joining("|")));

    private final DeviceRegistry devices;
    private final RevocationFeed revocations;
    private final AttemptLimiter enrollLimiter;
    private final EnrollmentSettings settings;
    private final SecurityAudit audit;
    private final Consumer<String> onRevoke;
    private final java.util.function.Predicate<String> operatorToken;

    /**
     * @param onRevoke called after a device is revoked (the KMS revokes that device's pair keys)
     */
    public IdentityService(DeviceRegistry devices, RevocationFeed revocations,
                           AttemptLimiter enrollLimiter, EnrollmentSettings settings, SecurityAudit audit,
                           Consumer<String> onRevoke) {
        this(devices, revocations, enrollLimiter, settings, audit, onRevoke, token -> false);
    }

    /**
     * @param onRevoke      called after a device is revoked (the KMS revokes that device's pair keys)
     * @param operatorToken whether a token is the operator's (introspection names that role)
     */
    public IdentityService(DeviceRegistry devices, RevocationFeed revocations,
                           AttemptLimiter enrollLimiter, EnrollmentSettings settings, SecurityAudit audit,
                           Consumer<String> onRevoke, java.util.function.Predicate<String> operatorToken) {
        this.operatorToken = operatorToken;
        this.devices = devices;
        this.revocations = revocations;
        this.enrollLimiter = enrollLimiter;
        this.settings = settings;
        this.audit = audit;
        this.onRevoke = onRevoke;
    }

    /** Adds the identity routes to a listener's route table. */
    public void register(HttpRules rules, RouteTable<RouteClass, AccessGrant> routes) {
        routes.add(rules, Method.POST, "/admin/enrollments", RouteClass.OPERATOR, "admin_enrollments", this::createEnrollment)
                .add(rules, Method.GET, "/admin/devices", RouteClass.OPERATOR, "admin_devices", this::listDevices)
                .add(rules, Method.DELETE, "/admin/devices/{id}", RouteClass.OPERATOR, "admin_revoke_device",
                        this::revokeDevice)
                .add(rules, Method.POST, "/enroll", RouteClass.ENROLLMENT, "enroll", this::enroll)
                .add(rules, Method.POST, "/auth/introspect", RouteClass.RELAY, "auth_introspect", this::introspect)
                .add(rules, Method.GET, "/auth/revocations", RouteClass.RELAY, "auth_revocations", this::revocations)
                .add(rules, Method.GET, IdentityRoutes.DIRECTORY, RouteClass.DEVICE, "device_directory", this::directory)
                .add(rules, Method.PUT, IdentityRoutes.OWN_KEY, RouteClass.DEVICE, "identity_key_publish", this::publishKey)
                .add(rules, Method.GET, IdentityRoutes.PEER_KEY, RouteClass.DEVICE, "identity_key", this::identityKey);
    }

    private void createEnrollment(AccessGrant operator, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, MAX_BODY, Set.of("device_id"), false);
        String deviceId = deviceId(body.requiredText("device_id", DEVICE_ID_TEXT, "a device id"));
        EnrollmentCode code = devices.createCode(deviceId, settings.codeTtl());
        audit.record("enrollment_created", operator.actor(),
                "one-time enrollment code for " + deviceId + ", expires " + code.expiresAt());
        ObjectNode out = Json.object();
        out.put("device_id", deviceId);
        out.put("code", code.code());
        out.put("enrollment_uri", enrollmentUri(code, req.localPeer().port()).toUriString());
        out.put("expires_at", code.expiresAt().toString());
        Json.send(res, Status.OK_200, out);
    }

    /**
     * The enrollment string for a freshly created code; {@code arrivedOnPort} (the TLS port the
     * operator's request came in on) stands in when the KMS was started on an ephemeral port.
     */
    EnrollmentUri enrollmentUri(EnrollmentCode code, int arrivedOnPort) {
        int port = settings.tlsPort() > 0 ? settings.tlsPort() : arrivedOnPort;
        return new EnrollmentUri(settings.publicHost(), port, code.deviceId(), code.code(), settings.ca(),
                settings.relayUrls());
    }

    private void listDevices(AccessGrant operator, ServerRequest req, ServerResponse res) {
        ArrayNode list = Json.object().arrayNode();
        for (DeviceInfo d : devices.list()) {
            ObjectNode o = list.addObject();
            o.put("device_id", d.deviceId());
            o.put("active", d.active());
            o.put("enrolled_at", d.enrolledAt().toString());
            d.revokedAt().ifPresentOrElse(t -> o.put("revoked_at", t.toString()), () -> o.putNull("revoked_at"));
            devices.lastSeen(d.deviceId()).ifPresentOrElse(t -> o.put("last_seen", t.toString()),
                    () -> o.putNull("last_seen"));
        }
        ObjectNode out = Json.object();
        out.set("devices", list);
        Json.send(res, Status.OK_200, out);
    }

    /**
     * The directory a device starts conversations from: active devices with the fingerprint of
     * their published identity key. Online state is the relay's to tell (its presence frames),
     * the KMS does not know it, so it is not here.
     */
    private void directory(AccessGrant device, ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray(IdentityRoutes.DEVICES);
        for (DeviceInfo d : devices.list()) {
            if (!d.active()) {
                continue;
            }
            ObjectNode o = list.addObject();
            o.put(IdentityRoutes.DEVICE_ID, d.deviceId());
            devices.identityKey(d.deviceId()).ifPresentOrElse(
                    k -> o.put(IdentityRoutes.IDENTITY_KEY_FINGERPRINT, k.key().fingerprint()),
                    () -> o.putNull(IdentityRoutes.IDENTITY_KEY_FINGERPRINT));
        }
        Json.send(res, Status.OK_200, out);
    }

    private void publishKey(AccessGrant device, ServerRequest req, ServerResponse res) {
        String self = device.deviceId().orElseThrow(() -> ApiError.forbidden("a device token is required"));
        JsonRequest body = JsonRequest.read(req, MAX_KEY_BODY, Set.of(IdentityRoutes.ALGORITHM, IdentityRoutes.PUBLIC_KEY), false);
        String algorithm = body.requiredText(IdentityRoutes.ALGORITHM, IDENTITY_ALGORITHM, IdentityKey.ALGORITHM + " or "
                + IdentityAlgorithm.ML_DSA_65_ED25519.wireName());
        IdentityKey key;
        try {
            key = IdentityKey.fromBase64(body.requiredText(IdentityRoutes.PUBLIC_KEY, BASE64, "base64"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_field", "field \"" + IdentityRoutes.PUBLIC_KEY + "\": " + e.getMessage());
        }
        if (!key.algorithm().wireName().equals(algorithm)) {
            throw ApiError.badRequest("invalid_field", "field \"" + IdentityRoutes.PUBLIC_KEY + "\" is an "
                    + key.algorithm().wireName() + " key, but \"" + IdentityRoutes.ALGORITHM + "\" says " + algorithm);
        }
        Optional<IdentityKey> replaced = devices.publishIdentityKey(self, key);
        if (replaced.isPresent()) {
            audit.record("identity_key_changed", device.actor(), self + " replaced its identity key "
                    + replaced.get().fingerprint().substring(0, 16) + "… with " + key.fingerprint().substring(0, 16)
                    + "…; peers that verified the old key are warned");
        } else {
            audit.record("identity_key_published", device.actor(),
                    self + " published identity key " + key.fingerprint().substring(0, 16) + "…");
        }
        sendKey(res, self, devices.identityKey(self).orElseThrow());
    }

    private void identityKey(AccessGrant device, ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("id");
        String id = "me".equals(raw) ? device.deviceId().orElseThrow(() -> ApiError.forbidden("a device token is required"))
                : deviceId(raw);
        DeviceRegistry.PublishedKey key = devices.identityKey(id).orElseThrow(() -> ApiError.notFound(
                "no_identity_key", id + " has not published an identity key"));
        sendKey(res, id, key);
    }

    private static void sendKey(ServerResponse res, String id, DeviceRegistry.PublishedKey key) {
        ObjectNode out = Json.object();
        out.put(IdentityRoutes.DEVICE_ID, id);
        out.put(IdentityRoutes.ALGORITHM, key.key().algorithm().wireName());
        out.put(IdentityRoutes.PUBLIC_KEY, key.key().base64());
        out.put(IdentityRoutes.FINGERPRINT, key.key().fingerprint());
        out.put(IdentityRoutes.PUBLISHED_AT, key.publishedAt().toString());
        Json.send(res, Status.OK_200, out);
    }

    private void revokeDevice(AccessGrant operator, ServerRequest req, ServerResponse res) {
        String deviceId = deviceId(req.path().pathParameters().get("id"));
        if (!devices.exists(deviceId)) {
            throw ApiError.notFound("unknown_device", "no device " + deviceId + " has been enrolled");
        }
        boolean wasActive;
        try {
            wasActive = devices.revoke(deviceId);
        } catch (StorageUnavailableException e) {
            // Fail closed: the token no longer works here, so its sessions and keys end now too;
            // the operator hears that the revocation is not recorded and must be repeated.
            revocations.publish(deviceId);
            onRevoke.accept(deviceId);
            audit.record("device_revoked", operator.actor(), deviceId + " revoked in memory only ("
                    + e.storageCause().words() + "); it is active again after a restart unless revoked again");
            throw ApiError.unavailable("storage_unavailable", "revoking " + deviceId + " could not be recorded: "
                    + e.storageCause().words() + ". Its token is refused and its sessions are closed until this KMS"
                    + " restarts; revoke it again once the database can be written.");
        }
        if (wasActive) {
            revocations.publish(deviceId);
            onRevoke.accept(deviceId);
            audit.record("device_revoked", operator.actor(),
                    deviceId + " revoked; its token no longer works and its relay sessions are closed");
        }
        ObjectNode out = Json.object();
        out.put("device_id", deviceId);
        out.put("revoked", true);
        out.put("was_active", wasActive);
        Json.send(res, Status.OK_200, out);
    }

    private void enroll(AccessGrant anonymous, ServerRequest req, ServerResponse res) {
        String client = Authenticator.peerAddress(req);
        Optional<Duration> blocked = enrollLimiter.blockedFor(client);
        if (blocked.isPresent()) {
            audit.record("auth_failure", "anonymous@" + client,
                    "POST /enroll refused (429): too many wrong enrollment codes from this address");
            res.header(HeaderNames.RETRY_AFTER, String.valueOf(blocked.get().toSeconds()));
            throw new ApiError(Status.TOO_MANY_REQUESTS_429, "rate_limited",
                    "too many failed enrollment attempts; try again in " + blocked.get().toSeconds() + " s");
        }
        JsonRequest body = JsonRequest.read(req, MAX_BODY, Set.of("device_id", "code"), false);
        String deviceId = deviceId(body.requiredText("device_id", DEVICE_ID_TEXT, "a device id"));
        String code = body.requiredText("code", CODE, "an enrollment code (letters and digits)");
        boolean enrolledBefore = devices.exists(deviceId);
        switch (devices.redeem(deviceId, code)) {
            case DeviceRegistry.Redemption.Refused refused -> {
                enrollLimiter.failed(client);
                audit.record("auth_failure", "anonymous@" + client, "POST /enroll refused (401) for " + deviceId + ": "
                        + refused.reason().name().toLowerCase().replace('_', ' ') + " code");
                throw new ApiError(Status.UNAUTHORIZED_401, "enrollment_refused",
                        "the enrollment code is wrong, already used or expired; ask the operator for a new one");
            }
            case DeviceRegistry.Redemption.Enrolled enrolled -> {
                audit.record("device_enrolled", "device:" + deviceId + "@" + client,
                        deviceId + " enrolled with a one-time code and received a device token");
                if (enrolledBefore) {
                    // Whoever held the old token loses it now, with its relay sessions (not when the
                    // relay's token cache expires) and every pair key it could read: the new holder
                    // inherits nothing.
                    revocations.publish(deviceId);
                    onRevoke.accept(deviceId);
                    audit.record("device_revoked", "device:" + deviceId + "@" + client, deviceId
                            + " re-enrolled: the previous token, its relay sessions and its pair keys are revoked");
                }
                ObjectNode out = Json.object();
                out.put("device_id", deviceId);
                out.put("device_token", enrolled.deviceToken());
                out.put("relay_url", settings.relayUrl().toString());
                ArrayNode relays = out.putArray("relay_urls");
                settings.relayUrls().forEach(u -> relays.add(u.toString()));
                out.put("ca_fingerprint", settings.ca().toString());
                Json.send(res, Status.OK_200, out);
            }
        }
    }

    private void introspect(AccessGrant relay, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, MAX_BODY, Set.of("token"), false);
        String token = body.requiredText("token", TOKEN_TEXT, "a token");
        ObjectNode out = Json.object();
        Optional<String> device = devices.authenticate(token);
        // The operator token is named too, so the relay can show device ids to the operator only.
        boolean operator = device.isEmpty() && operatorToken.test(token);
        out.put("active", device.isPresent() || operator);
        device.ifPresent(d -> out.put("device_id", d));
        if (operator) {
            out.put("role", "operator");
        }
        Json.send(res, Status.OK_200, out);
    }

    private void revocations(AccessGrant relay, ServerRequest req, ServerResponse res) {
        long after = longParam(req, "after", 0, 0, Long.MAX_VALUE);
        long wait = longParam(req, "wait", 0, 0, MAX_WAIT_SECONDS);
        RevocationFeed.Batch batch;
        try {
            batch = revocations.since(after, Duration.ofSeconds(wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("shutting_down", "the KMS is stopping");
        }
        ObjectNode out = Json.object();
        out.put("epoch", batch.epoch());
        out.put("seq", batch.seq());
        ArrayNode ids = out.putArray("revoked");
        batch.revoked().forEach(ids::add);
        Json.send(res, Status.OK_200, out);
    }

    private static String deviceId(String raw) {
        try {
            return DeviceRegistry.checkDeviceId(raw);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_field", "field \"device_id\": " + e.getMessage());
        }
    }

    private static long longParam(ServerRequest req, String name, long fallback, long min, long max) {
        Optional<String> v = req.query().first(name).asOptional();
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                throw ApiError.badRequest("invalid_parameter", name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_parameter", name + " must be a whole number");
        }
    }

}
