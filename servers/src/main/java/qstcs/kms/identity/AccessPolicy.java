package qstcs.kms.identity;

import io.helidon.webserver.http.ServerRequest;

import qstcs.server.common.ApiError;

/**
 * Decides whether a request may use a route of a given class and who it comes from
 * ({@link TokenAccess}: the tokens of each role).
 */
public interface AccessPolicy {
    /** Returns the grant or throws an {@link ApiError} (401/403). */
    AccessGrant authorize(RouteClass routeClass, ServerRequest req);

    /**
     * A 403 for a caller who may use the route but not this object (another pair's key, another
     * device's id), recorded in the audit log like every other refusal.
     */
    ApiError refuse(AccessGrant grant, ServerRequest req, String auditReason, String detail);
}
