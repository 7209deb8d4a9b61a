package qstcs.kms.etsi014;

import java.util.List;
import java.util.Map;

/**
 * An answer other than 200 on an ETSI 014 route: 400 with the standard's error object
 * ({@code message}, optional {@code details}), 401 or 503. Carries no stack trace: it
 * describes the request or the link, not a bug.
 */
final class EtsiError extends RuntimeException {
    private final int status;
    private final List<Map<String, Object>> details;

    private EtsiError(int status, String message, List<Map<String, Object>> details) {
        super(message, null, false, false);
        this.status = status;
        this.details = List.copyOf(details);
    }

    static EtsiError badRequest(String message) {
        return new EtsiError(400, message, List.of());
    }

    static EtsiError badRequest(String message, List<Map<String, Object>> details) {
        return new EtsiError(400, message, details);
    }

    static EtsiError unauthorized(String message) {
        return new EtsiError(401, message, List.of());
    }

    static EtsiError unavailable(String message) {
        return new EtsiError(503, message, List.of());
    }

    int status() {
        return status;
    }

    List<Map<String, Object>> details() {
        return details;
    }
}
