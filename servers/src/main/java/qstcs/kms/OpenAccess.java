package qstcs.kms;

import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

import qstcs.server.common.ApiError;

/**
 * The temporary policy until the identity issue: no credentials anywhere. Device and operator
 * routes are always open on the TLS listener; on the plain listener only when the single switch
 * {@code app.insecure-plain-routes} is on (the server prints a loud warning), else 403 pointing
 * to the TLS port. Devices name themselves in the request.
 */
record OpenAccess(boolean insecurePlainRoutes, int tlsPort) implements AccessPolicy {
    @Override
    public AccessGrant authorize(RouteClass routeClass, ServerRequest req) {
        String peer = req.remotePeer().host();
        boolean restricted = routeClass == RouteClass.DEVICE || routeClass == RouteClass.OPERATOR;
        if (restricted && !req.isSecure() && !insecurePlainRoutes) {
            throw ApiError.forbidden("this route is served only over TLS: use https://<host>:" + tlsPort
                    + req.path().path());
        }
        String actor = switch (routeClass) {
            case OPERATOR -> "operator@" + peer;
            case ROUTER -> "router@" + peer;
            case DEVICE -> "device@" + peer;
            case PUBLIC -> "public@" + peer;
        };
        return new AccessGrant(routeClass, Optional.empty(), actor);
    }
}
