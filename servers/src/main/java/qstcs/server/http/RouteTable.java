package qstcs.server.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.server.common.ApiError;

/**
 * A server's routes in one table: method, path, access class and metric name. Each route is
 * registered through {@link #add}, which wraps its handler with the access check of its class
 * and the latency metric, so no handler can forget either; the answers for requests no route
 * takes (405 with {@code Allow} for a known path, 404 otherwise) are derived from the same table
 * by {@link #refuseUnmatched}. Adding a route is one {@code add} call.
 *
 * @param <A> the server's access classes (who may call a route)
 * @param <G> what the access check grants a request (who it comes from)
 */
public final class RouteTable<A, G> {

    /** One row of the table. Path segments in braces ({@code {key_id}}) match any one segment. */
    public record Route<A>(Method method, String path, A access, String metric) {
        public Route {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(metric, "metric");
        }
    }

    /** Decides whether a request may use a route of class {@code access}; throws an {@link ApiError} if not. */
    @FunctionalInterface
    public interface AccessCheck<A, G> {
        G authorize(A access, ServerRequest req);
    }

    /** Records how long a route took to answer. */
    @FunctionalInterface
    public interface LatencyMetric {
        void record(String metric, long nanos);
    }

    /** A handler that is given what the access check granted. */
    @FunctionalInterface
    public interface GrantedHandler<G> {
        void handle(G grant, ServerRequest req, ServerResponse res) throws Exception;
    }

    private final AccessCheck<A, G> access;
    private final LatencyMetric metric;
    private final List<Route<A>> routes = new ArrayList<>();

    public RouteTable(AccessCheck<A, G> access, LatencyMetric metric) {
        this.access = access;
        this.metric = metric;
    }

    /** Registers {@code route} on {@code rules}, guarded by its access class and timed under its metric. */
    public RouteTable<A, G> add(HttpRules rules, Route<A> route, GrantedHandler<G> handler) {
        synchronized (routes) {
            routes.add(route);
        }
        rules.route(route.method(), route.path(), guarded(route, handler));
        return this;
    }

    /** Shorthand for {@link #add(HttpRules, Route, GrantedHandler)}. */
    public RouteTable<A, G> add(HttpRules rules, Method method, String path, A accessClass, String metricName,
                                GrantedHandler<G> handler) {
        return add(rules, new Route<>(method, path, accessClass, metricName), handler);
    }

    private Handler guarded(Route<A> route, GrantedHandler<G> handler) {
        return (req, res) -> {
            long start = System.nanoTime();
            try {
                handler.handle(access.authorize(route.access(), req), req, res);
            } finally {
                metric.record(route.metric(), System.nanoTime() - start);
            }
        };
    }

    /** The routes registered so far, in registration order. */
    public List<Route<A>> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    /** The methods some route accepts on {@code path} (empty: no route has this path). */
    public Set<String> allowedMethods(String path) {
        Set<String> methods = new LinkedHashSet<>();
        for (Route<A> r : routes()) {
            if (matches(r.path(), path)) {
                methods.add(r.method().text());
            }
        }
        return methods;
    }

    /**
     * The answer for a request no route took: 405 with {@code Allow} when the path is in the table
     * under other methods, else 404. Always throws; {@code notFoundDetail} tells the caller where
     * the API is documented.
     */
    public ApiError refuseUnmatched(ServerRequest req, ServerResponse res, String notFoundDetail) {
        String path = req.path().path();
        Set<String> allowed = allowedMethods(path);
        if (!allowed.isEmpty()) {
            String allow = String.join(", ", allowed);
            res.header(HeaderNames.ALLOW, allow);
            throw new ApiError(Status.METHOD_NOT_ALLOWED_405, "method_not_allowed",
                    req.prologue().method().text() + " is not supported on " + path + "; use " + allow);
        }
        throw ApiError.notFound("not_found", notFoundDetail);
    }

    /** The route whose path template matches {@code path} under {@code method}, if any. */
    public Optional<Route<A>> find(Method method, String path) {
        return routes().stream().filter(r -> r.method().equals(method) && matches(r.path(), path)).findFirst();
    }

    /**
     * Whether a concrete path fits a template: literal segments must be equal, a {@code {name}}
     * segment takes one non-empty segment, and a trailing {@code {name}} takes the non-empty rest
     * (so a key id that decodes into several segments still names the key route, whose handler
     * then explains what a key id looks like).
     */
    static boolean matches(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        for (int i = 0; i < t.length; i++) {
            boolean parameter = t[i].startsWith("{") && t[i].endsWith("}");
            if (i >= p.length) {
                return false;
            }
            if (parameter && i == t.length - 1) {
                return !String.join("/", java.util.Arrays.copyOfRange(p, i, p.length)).isEmpty();
            }
            if (parameter ? p[i].isEmpty() : !t[i].equals(p[i])) {
                return false;
            }
        }
        return t.length == p.length;
    }
}
