package qstcs.server.common;

import java.lang.System.Logger.Level;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

/**
 * Maps failures to the JSON error body {@code {"error","detail"}} in one place, for routed
 * requests ({@link #register}) and for requests the server rejects before routing, such as a
 * malformed request line ({@link #directHandlers}). Unexpected exceptions become a generic 500
 * whose detail never contains the exception text (it might hold secrets); the cause is logged.
 */
public final class JsonErrors {
    private static final System.Logger LOG = System.getLogger(JsonErrors.class.getName());

    private JsonErrors() {
    }

    public static ObjectNode body(String error, String detail) {
        ObjectNode o = Json.object();
        o.put("error", error);
        o.put("detail", detail);
        return o;
    }

    /** Sends {@code e} as the JSON error body (for error handlers that map their own exceptions). */
    public static void send(ServerResponse res, ApiError e) {
        Json.send(res, e.status(), body(e.error(), e.detail()));
    }

    /**
     * Registers the error mapping on a routing; call once per routing. It also refuses CONNECT
     * before any route sees it: its target is an authority ({@code host:port}), not a path, and
     * these servers are no proxies.
     */
    public static void register(HttpRouting.Builder routing) {
        routing.addFilter(JsonErrors::refuseConnect);
        routing.error(ApiError.class, (req, res, e) -> send(res, e))
                .error(RequestException.class, (req, res, e) -> {
                    Status status = e.status().code() >= 500 ? Status.BAD_REQUEST_400 : e.status();
                    Json.send(res, status, body("bad_request", "the request could not be processed"));
                })
                .error(HttpException.class, (req, res, e) -> {
                    // Helidon's own refusals (no route: NotFoundException, …) keep their 4xx status;
                    // without this they would fall through to the generic 500 below.
                    if (e.status().code() >= 500) {
                        LOG.log(Level.ERROR, "server failure on " + RequestLine.of(req) + ": " + e.getClass().getName(), e);
                        Json.send(res, Status.INTERNAL_SERVER_ERROR_500,
                                body("internal_error", "the server failed to handle this request; see the server log"));
                    } else {
                        String error = e.status().code() == 404 ? "not_found" : "bad_request";
                        Json.send(res, e.status(), body(error, "no such route or method: "
                                + req.prologue().method().text() + " " + req.path().path()));
                    }
                })
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(Level.ERROR, "unexpected failure on " + RequestLine.of(req) + ": " + e.getClass().getName(), e);
                    Json.send(res, Status.INTERNAL_SERVER_ERROR_500,
                            body("internal_error", "the server failed to handle this request; see the server log"));
                });
    }

    private static void refuseConnect(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.prologue().method() == Method.CONNECT || req.path().path() == null) {
            Json.send(res, Status.METHOD_NOT_ALLOWED_405, body("method_not_allowed",
                    "CONNECT is not supported: this server is not a proxy"));
            return;
        }
        chain.proceed();
    }

    /** JSON replies for requests rejected by the HTTP layer itself (bad request line, huge headers…). */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, eventType, status, headers, message) -> {
            String error = switch (eventType) {
                case PAYLOAD_TOO_LARGE -> "payload_too_large";
                case FORBIDDEN -> "forbidden";
                case INTERNAL_ERROR -> "internal_error";
                default -> "bad_request";
            };
            String detail = eventType == DirectHandler.EventType.INTERNAL_ERROR
                    ? "the server failed to handle this request"
                    : "the request was rejected by the HTTP layer (" + status.code() + " " + status.reasonPhrase() + ")";
            headers.set(HeaderValues.CONTENT_TYPE_JSON);
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .entity(Json.bytes(body(error, detail)))
                    .keepAlive(eventType.keepAlive())
                    .build();
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, json);
        }
        return b.build();
    }
}
