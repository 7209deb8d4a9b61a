package qstcs.server.common;

import io.helidon.http.Status;

/**
 * A client-visible failure: an HTTP status, a short machine-readable {@code error} code and a
 * human {@code detail}. Thrown anywhere in a handler and turned into
 * {@code {"error":"…","detail":"…"}} once, by {@link JsonErrors}. It carries no stack trace,
 * because it describes bad input, not a bug, and must never echo secrets.
 */
public final class ApiError extends RuntimeException {
    private final Status status;
    private final String error;

    public ApiError(Status status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    public Status status() {
        return status;
    }

    /** The machine-readable code, e.g. {@code invalid_field}. */
    public String error() {
        return error;
    }

    /** The human-readable explanation. */
    public String detail() {
        return getMessage();
    }

    public static ApiError badRequest(String error, String detail) {
        return new ApiError(Status.BAD_REQUEST_400, error, detail);
    }

    public static ApiError forbidden(String detail) {
        return new ApiError(Status.FORBIDDEN_403, "forbidden", detail);
    }

    public static ApiError notFound(String error, String detail) {
        return new ApiError(Status.NOT_FOUND_404, error, detail);
    }

    public static ApiError payloadTooLarge(long limitBytes) {
        return new ApiError(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                "request body exceeds the limit of " + limitBytes + " bytes");
    }

    public static ApiError unavailable(String error, String detail) {
        return new ApiError(Status.SERVICE_UNAVAILABLE_503, error, detail);
    }
}
