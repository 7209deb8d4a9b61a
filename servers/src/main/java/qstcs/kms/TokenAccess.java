package qstcs.kms;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

import qstcs.kms.identity.Authenticator;
import qstcs.kms.identity.Caller;
import qstcs.kms.identity.Role;
import qstcs.kms.identity.SecurityAudit;
import qstcs.server.common.ApiError;
import qstcs.server.common.RequestLine;

/**
 * The access policy of DESIGN §7: public routes for anyone; device routes for a device token and
 * operator routes for the operator token, both on the TLS listener only (the plain listener
 * answers 403 naming the TLS port, so no key and no admin action ever travels in clear text);
 * router heartbeats with the router token on either listener (BusyBox wget speaks plain HTTP).
 * Refusals are 401/403 and audited by the {@link Authenticator}.
 */
record TokenAccess(Authenticator auth, SecurityAudit audit, int tlsPort) implements AccessPolicy {

    @Override
    public AccessGrant authorize(RouteClass routeClass, ServerRequest req) {
        return switch (routeClass) {
            case PUBLIC -> new AccessGrant(routeClass, Optional.empty(), "public@" + Authenticator.peerAddress(req));
            case ROUTER -> grant(routeClass, auth.require(req, Role.ROUTER), req);
            case DEVICE -> grant(routeClass, auth.require(requireTls(req), Role.DEVICE), req);
            case OPERATOR -> grant(routeClass, auth.require(requireTls(req), Role.OPERATOR), req);
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
