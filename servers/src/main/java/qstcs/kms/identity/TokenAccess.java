package qstcs.kms.identity;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

import qstcs.server.auth.Role;
import qstcs.server.common.ApiError;
import qstcs.server.common.RequestLine;

/**
 * The KMS access policy: public routes for anyone; device, operator and relay routes for their
 * token, and enrollment without one, all on the TLS listener only (the plain listener answers
 * 403 naming the TLS port, so no key, code or admin action ever travels in clear text); router
 * heartbeats with the router token on either listener (BusyBox wget speaks plain HTTP).
 * Refusals are 401/403 and audited by the {@link Authenticator}.
 */
public record TokenAccess(Authenticator auth, SecurityAudit audit, int tlsPort) implements AccessPolicy {

    @Override
    public AccessGrant authorize(RouteClass routeClass, ServerRequest req) {
        return switch (routeClass) {
            case PUBLIC -> new AccessGrant(routeClass, Optional.empty(), "public@" + Authenticator.peerAddress(req));
            case ROUTER -> grant(routeClass, auth.require(req, Role.ROUTER), req);
            case DEVICE -> grant(routeClass, auth.require(requireTls(req), Role.DEVICE), req);
            case OPERATOR -> grant(routeClass, auth.require(requireTls(req), Role.OPERATOR), req);
            case RELAY -> grant(routeClass, auth.require(requireTls(req), Role.RELAY), req);
            case ENROLLMENT -> new AccessGrant(routeClass, Optional.empty(),
                    "anonymous@" + Authenticator.peerAddress(requireTls(req)));
        };
    }

    @Override
    public ApiError refuse(AccessGrant grant, ServerRequest req, String auditReason, String detail) {
        audit.record("auth_failure", grant.actor(), RequestLine.of(req) + " refused (403): " + auditReason);
        return ApiError.forbidden(detail);
    }

    private ServerRequest requireTls(ServerRequest req) {
        if (!req.isSecure()) {
            String route = RequestLine.of(req);
            audit.record("auth_failure", "anonymous@" + Authenticator.peerAddress(req),
                    route + " refused (403): attempted on the plain HTTP port");
            throw new ApiError(io.helidon.http.Status.FORBIDDEN_403, "tls_required",
                    "this route is served only over TLS: use https://<kms-host>:" + tlsPort + req.path().path());
        }
        return req;
    }

    private static AccessGrant grant(RouteClass routeClass, Caller caller, ServerRequest req) {
        Optional<String> device = caller.role() == Role.DEVICE ? Optional.of(caller.name()) : Optional.empty();
        return new AccessGrant(routeClass, device, Authenticator.actor(caller, req));
    }
}
