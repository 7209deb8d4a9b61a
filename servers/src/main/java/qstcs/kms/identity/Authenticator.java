package qstcs.kms.identity;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.util.Optional;
import qstcs.server.auth.BearerTokens;
import qstcs.server.auth.Role;
import qstcs.server.auth.ServiceToken;
import qstcs.server.common.ApiError;
import qstcs.server.common.RequestLine;

/**
 * The one place that decides whether a request's credential fits its route class: 401 when no
 * credential or an unknown/revoked one is presented, 403 when a valid credential of another role
 * is. Every refusal is audited with route, client address and reason — never the token.
 *
 * <p>Credentials: {@code Authorization: Bearer <token>} everywhere; the router guard may send
 * {@code X-Router-Token: <token>} instead (BusyBox wget adds headers with {@code --header}).
 */
public final class Authenticator {

    /** The router guard's header (router-agent/router_guard.sh). */
    public static final HeaderName ROUTER_TOKEN_HEADER = HeaderNames.create("X-Router-Token");
    private static final String BEARER = "Bearer ";

    private final ServiceToken operator;
    private final ServiceToken router;
    private final ServiceToken relay;
    private final DeviceRegistry devices;
    private final SecurityAudit audit;

    public Authenticator(ServiceToken operator, ServiceToken router, ServiceToken relay, DeviceRegistry devices,
                         SecurityAudit audit) {
        this.operator = operator;
        this.router = router;
        this.relay = relay;
        this.devices = devices;
        this.audit = audit;
    }

    /** The caller if its credential has {@code role}; else an {@link ApiError} 401 or 403. */
    public Caller require(ServerRequest req, Role role) {
        String route = RequestLine.of(req);
        Optional<String> token = presented(req, role);
        if (token.isEmpty()) {
            throw refuse(route, req, null, Status.UNAUTHORIZED_401, "unauthorized",
                    "no credential presented", "this route needs the " + describe(role)
                            + "; send it as 'Authorization: Bearer <token>'");
        }
        Optional<Caller> caller = identify(token.get());
        if (caller.isEmpty()) {
            throw refuse(route, req, null, Status.UNAUTHORIZED_401, "unauthorized",
                    "unknown or revoked token", "the token is unknown or has been revoked");
        }
        if (caller.get().role() != role) {
            throw refuse(route, req, caller.get(), Status.FORBIDDEN_403, "forbidden",
                    "a " + caller.get().role().name().toLowerCase() + " credential on a "
                            + role.name().toLowerCase() + " route",
                    "this route needs the " + describe(role) + ", not a " + caller.get().role().name().toLowerCase()
                            + " credential");
        }
        return caller.get();
    }

    /** Who a token belongs to, if anyone: service tokens first, then active devices. */
    public Optional<Caller> identify(String token) {
        // One SHA-256 per request, compared with every stored hash: this runs on every key request.
        if (token == null) {
            return Optional.empty();
        }
        byte[] hash = BearerTokens.hash(token);
        if (operator.matchesHash(hash)) {
            return Optional.of(Caller.service(Role.OPERATOR));
        }
        if (router.matchesHash(hash)) {
            return Optional.of(Caller.service(Role.ROUTER));
        }
        if (relay.matchesHash(hash)) {
            return Optional.of(Caller.service(Role.RELAY));
        }
        return devices.authenticate(token, hash).map(Caller::device);
    }

    /**
     * Refuses an authenticated caller that may use the route class but not this object (another
     * pair's key, another device's id, a device asking for an operator action): 403, audited.
     */
    public ApiError forbid(ServerRequest req, Caller caller, String reason, String detail) {
        String route = RequestLine.of(req);
        return refuse(route, req, caller, Status.FORBIDDEN_403, "forbidden", reason, detail);
    }

    /** The audit log's actor label: {@code operator@ADDR}, {@code device:ID@ADDR} or {@code anonymous@ADDR}. */
    public static String actor(Caller caller, ServerRequest req) {
        String peer = peerAddress(req);
        if (caller == null) {
            return "anonymous@" + peer;
        }
        return caller.role() == Role.DEVICE ? "device:" + caller.name() + "@" + peer : caller.name() + "@" + peer;
    }

    /** The client's IP address as text (never a reverse-resolved name: that is slow and spoofable). */
    public static String peerAddress(ServerRequest req) {
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
            return a.getAddress().getHostAddress();
        }
        return req.remotePeer().host();
    }

    private ApiError refuse(String route, ServerRequest req, Caller caller, Status status, String error,
                            String auditReason, String detail) {
        audit.record("auth_failure", actor(caller, req), route + " refused (" + status.code() + "): " + auditReason);
        return new ApiError(status, error, detail);
    }

    private static Optional<String> presented(ServerRequest req, Role role) {
        var headers = req.headers();
        Optional<String> auth = headers.first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String value = auth.get().strip();
            if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = value.substring(BEARER.length()).strip();
                return token.isEmpty() ? Optional.empty() : Optional.of(token);
            }
            return Optional.empty();
        }
        if (role == Role.ROUTER) {
            return headers.first(ROUTER_TOKEN_HEADER).map(String::strip).filter(s -> !s.isEmpty());
        }
        return Optional.empty();
    }

    private static String describe(Role role) {
        return switch (role) {
            case DEVICE -> "device token from enrollment";
            case OPERATOR -> "operator token ($QSTCS_HOME/kms/operator.token)";
            case ROUTER -> "router token ($QSTCS_HOME/kms/router.token)";
            case RELAY -> "relay token ($QSTCS_HOME/kms/relay.token)";
        };
    }
}
