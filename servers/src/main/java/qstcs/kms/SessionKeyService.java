package qstcs.kms;

import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The device routes: {@code POST /get_session_key} (the brief's request still works) and
 * {@code GET /keys/{key_id}} for a member of the key's pair. Until device tokens exist, a device
 * names itself: {@code device_id} in the body, or for {@code /keys} the {@code device_id} query
 * parameter or the {@code X-Device-Id} header.
 */
final class SessionKeyService implements HttpService {
    static final HeaderName DEVICE_HEADER = HeaderNames.create("X-Device-Id");
    private static final Set<String> FIELDS = Set.of("device_id", "peer_id", "force_attack", "pqc", "rotate");
    private static final Pattern PEER = Pattern.compile(DevicePair.DEVICE_ID.pattern() + "|" + DevicePair.BROADCAST);
    /** Canonical lower- or upper-case UUID text; anything else (e.g. {@code ../x}) is refused before lookup. */
    private static final Pattern KEY_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final LinkState link;
    private final QuantumLink quantumLink;
    private final RouteGuard guard;
    private final long maxBodyBytes;

    SessionKeyService(LinkState link, QuantumLink quantumLink, RouteGuard guard, long maxBodyBytes) {
        this.link = link;
        this.quantumLink = quantumLink;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/get_session_key", guard.route("get_session_key", RouteClass.DEVICE, this::getSessionKey))
                .get("/keys/{key_id}", guard.route("keys", RouteClass.DEVICE, this::getKey));
    }

    private void getSessionKey(AccessGrant grant, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, maxBodyBytes, FIELDS, false);
        String device = body.requiredText("device_id", DevicePair.DEVICE_ID, DevicePair.DEVICE_ID_RULE);
        String peer = body.optionalText("peer_id", DevicePair.BROADCAST, PEER,
                "a device id (" + DevicePair.DEVICE_ID_RULE + ") or " + DevicePair.BROADCAST);
        boolean forceAttack = body.optionalBoolean("force_attack", false);
        boolean pqc = body.optionalBoolean("pqc", false);
        boolean rotate = body.optionalBoolean("rotate", false);
        if (peer.equals(device)) {
            throw ApiError.badRequest("invalid_field", "peer_id must differ from device_id");
        }
        requireSameDevice(grant, device);
        if (forceAttack) {
            // An operator action kept in this route for the brief's clients; the operator check
            // is what turns it into a 403 for devices once tokens exist.
            AccessGrant operator = guard.authorize(RouteClass.OPERATOR, req);
            LinkSnapshot after = quantumLink.forceAttack(operator.actor() + " via get_session_key");
            Json.send(res, Status.OK_200, KmsJson.compromised(after.qber()));
            return;
        }
        KeyRequest result = link.request(device, peer, rotate);
        if (result instanceof KeyRequest.PoolEmpty) {
            quantumLink.refill();
            result = link.request(device, peer, rotate);
        }
        switch (result) {
            case KeyRequest.Granted g -> Json.send(res, Status.OK_200, KmsJson.key(g.key(), pqc));
            case KeyRequest.Compromised c -> Json.send(res, Status.OK_200, KmsJson.compromised(c.qber()));
            case KeyRequest.PoolEmpty p -> throw ApiError.unavailable("key_pool_empty",
                    "the quantum link produced no key material (the extra rounds yielded none); retry shortly");
        }
    }

    private void getKey(AccessGrant grant, ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("key_id");
        if (!KEY_ID.matcher(raw).matches()) {
            throw ApiError.badRequest("invalid_key_id", "key_id must be a UUID such as " + Main.EXAMPLE_KEY_ID);
        }
        String device = grant.deviceId().orElseGet(() -> claimedDevice(req));
        IssuedKey key = link.lookup(UUID.fromString(raw), device);
        Json.send(res, Status.OK_200, KmsJson.key(key, false));
    }

    private static String claimedDevice(ServerRequest req) {
        String device = req.query().first("device_id").asOptional()
                .or(() -> req.headers().first(DEVICE_HEADER))
                .orElseThrow(() -> ApiError.badRequest("missing_parameter",
                        "name the requesting device with ?device_id=ID or the X-Device-Id header"));
        if (!DevicePair.DEVICE_ID.matcher(device).matches()) {
            throw ApiError.badRequest("invalid_parameter", "device_id must be " + DevicePair.DEVICE_ID_RULE);
        }
        return device;
    }

    /** With device tokens, a device may only ask for its own keys. */
    private static void requireSameDevice(AccessGrant grant, String device) {
        if (grant.deviceId().isPresent() && !grant.deviceId().get().equals(device)) {
            throw ApiError.forbidden("device_id does not match the authenticated device");
        }
    }
}
