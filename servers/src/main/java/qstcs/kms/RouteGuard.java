package qstcs.kms;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Wraps each route handler with the access check of its {@link RouteClass} and the request
 * latency metric, so no handler can forget either.
 */
final class RouteGuard {
    /** A handler that is given the access grant. */
    @FunctionalInterface
    interface CallerHandler {
        void handle(AccessGrant grant, ServerRequest req, ServerResponse res) throws Exception;
    }

    private final AccessPolicy policy;
    private final KmsMetrics metrics;

    RouteGuard(AccessPolicy policy, KmsMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    Handler route(String name, RouteClass routeClass, CallerHandler handler) {
        return (req, res) -> {
            long start = System.nanoTime();
            try {
                handler.handle(policy.authorize(routeClass, req), req, res);
            } finally {
                metrics.recordRequest(name, System.nanoTime() - start);
            }
        };
    }

    /** A 403 for this object (not this route), audited; see {@link AccessPolicy#refuse}. */
    qstcs.server.common.ApiError refuse(AccessGrant grant, ServerRequest req, String auditReason, String detail) {
        return policy.refuse(grant, req, auditReason, detail);
    }

    /** For a handler that needs a second, stricter check (a device asking for force_attack). */
    AccessGrant authorize(RouteClass routeClass, ServerRequest req) {
        return policy.authorize(routeClass, req);
    }
}
