package qstcs.kms;

import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.http.Method;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.crypto.wire.DeviceId;
import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The device routes: {@code POST /get_session_key} (the original protocol's request still works) and
 * {@code GET /keys/{key_id}} for a member of the key's pair. The device is the one its token
 * names (docs/identity.md); a {@code device_id} in the body, the {@code device_id} query parameter or
 * the {@code X-Device-Id} header, when given, must name that same device (else 403).
 */
final class SessionKeyService implements HttpService {
    static final HeaderName DEVICE_HEADER = HeaderNames.create("X-Device-Id");
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
        guard.add(rules, Method.POST, "/get_session_key", RouteClass.DEVICE, "get_session_key", this::getSessionKey)
                .add(rules, Method.GET, "/keys/{key_id}", RouteClass.DEVICE, "keys", this::getKey);
    }

    private void getSessionKey(AccessGrant grant, ServerRequest req, ServerResponse res) {
        KeyRequestBody body = KeyRequestBody.parse(JsonRequest.readBody(req, maxBodyBytes));
        String device = body.device();
        String peer = body.peer();
        boolean forceAttack = body.forceAttack();
        boolean pqc = body.pqc();
        boolean rotate = body.rotate();
        if (peer.equals(device)) {
            throw ApiError.badRequest("invalid_field", "peer_id must differ from device_id");
        }
        requireSameDevice(grant, req, device);
        claimedDevice(req).ifPresent(claimed -> requireSameDevice(grant, req, claimed));
        if (forceAttack) {
            // The original protocol let any client force an attack here; with identities it is an operator
            // action (POST /force_attack with the operator token), and this route admits devices only.
            throw guard.refuse(grant, req, "asked for force_attack",
                    "force_attack is an operator action: the operator uses POST /force_attack");
        }
        KeyRequest result = link.request(device, peer, rotate);
        if (result instanceof KeyRequest.PoolEmpty) {
            quantumLink.refill();
            result = link.request(device, peer, rotate);
        }
        switch (result) {
            case KeyRequest.Granted g -> sendKey(res, g.key(), pqc);
            case KeyRequest.Compromised c -> Json.send(res, Status.OK_200, KmsJson.compromised(c.qber()));
            case KeyRequest.PoolEmpty p -> throw ApiError.unavailable("key_pool_empty",
                    "the quantum link produced no key material (the extra rounds yielded none); retry shortly");
        }
    }

    private void getKey(AccessGrant grant, ServerRequest req, ServerResponse res) {
        String raw = req.path().pathParameters().get("key_id");
        if (!KEY_ID.matcher(raw).matches()) {
            throw ApiError.badRequest("invalid_key_id", "key_id must be a UUID such as " + KmsServer.EXAMPLE_KEY_ID);
        }
        String device = grant.deviceId().orElseThrow(() -> ApiError.forbidden("keys are served to devices only"));
        claimedDevice(req).ifPresent(claimed -> requireSameDevice(grant, req, claimed));
        IssuedKey key;
        try {
            key = link.lookup(UUID.fromString(raw), device);
        } catch (KeyAccessException e) {
            if (e.reason() == KeyAccessException.Reason.NOT_A_MEMBER) {
                throw guard.refuse(grant, req, "asked for another pair's key", e.getMessage());
            }
            throw e;
        }
        sendKey(res, key, false);
    }

    /** Writes the key reply, then wipes the body and the key: no copy outlives the response. */
    private static void sendKey(ServerResponse res, IssuedKey key, boolean pqc) {
        byte[] body = KmsJson.keyBytes(key, pqc);
        try {
            Json.send(res, Status.OK_200, body);
        } finally {
            java.util.Arrays.fill(body, (byte) 0);
            key.destroy();
        }
    }

    /** The device a request names besides its token (older clients send it), validated. */
    private static java.util.Optional<String> claimedDevice(ServerRequest req) {
        java.util.Optional<String> device = req.query().first("device_id").asOptional()
                .or(() -> req.headers().first(DEVICE_HEADER));
        if (device.isPresent() && !DeviceId.isValid(device.get())) {
            throw ApiError.badRequest("invalid_parameter", "device_id must be " + DeviceId.RULE);
        }
        return device;
    }

    /** A device may only ask for its own keys: the id it names must be the one its token belongs to. */
    private void requireSameDevice(AccessGrant grant, ServerRequest req, String device) {
        if (grant.deviceId().isEmpty() || !grant.deviceId().get().equals(device)) {
            throw guard.refuse(grant, req, "named device " + device + " with another device's token",
                    "device_id does not match the device this token belongs to");
        }
    }
}
