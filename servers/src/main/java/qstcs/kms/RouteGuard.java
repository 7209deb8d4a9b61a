package qstcs.kms;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;

import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.AccessPolicy;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.ApiError;
import qstcs.server.http.RouteTable;

/**
 * The KMS route table of one listener and the access policy behind it: services add their routes
 * here, each guarded by its {@link RouteClass} and timed under its metric name, and the
 * listener's 404/405 answers come from the same table.
 */
final class RouteGuard {

    private final AccessPolicy policy;
    private final RouteTable<RouteClass, AccessGrant> table;

    RouteGuard(AccessPolicy policy, KmsMetrics metrics) {
        this.policy = policy;
        this.table = new RouteTable<>(policy::authorize, metrics::recordRequest);
    }

    /** Adds a route to the table and to {@code rules}. */
    RouteGuard add(HttpRules rules, Method method, String path, RouteClass routeClass, String metric,
                   RouteTable.GrantedHandler<AccessGrant> handler) {
        table.add(rules, method, path, routeClass, metric, handler);
        return this;
    }

    RouteTable<RouteClass, AccessGrant> table() {
        return table;
    }

    /** A 403 for this object (not this route), audited; see {@link AccessPolicy#refuse}. */
    ApiError refuse(AccessGrant grant, ServerRequest req, String auditReason, String detail) {
        return policy.refuse(grant, req, auditReason, detail);
    }

    /** For a handler that needs a second, stricter check (a device asking for force_attack). */
    AccessGrant authorize(RouteClass routeClass, ServerRequest req) {
        return policy.authorize(routeClass, req);
    }
}
