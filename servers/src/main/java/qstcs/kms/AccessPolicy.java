package qstcs.kms;

import io.helidon.webserver.http.ServerRequest;

/**
 * Decides whether a request may use a route of a given class and who it comes from. The one
 * place the identity issue replaces: today {@link OpenAccess}; later a token-checking policy.
 */
interface AccessPolicy {
    /** Returns the grant or throws an {@link qstcs.server.common.ApiError} (401/403). */
    AccessGrant authorize(RouteClass routeClass, ServerRequest req);
}
