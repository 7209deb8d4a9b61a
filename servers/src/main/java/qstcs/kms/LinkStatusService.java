package qstcs.kms;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.crypto.link.LinkStatus;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;

/**
 * {@code GET /link_status}, optionally long-polling with {@code ?wait=S&version=V}: answers at
 * once when the current version differs from V, else at the next change or after S seconds. The
 * router guard and the relay park here, so a status change reaches them within milliseconds.
 */
final class LinkStatusService implements HttpService {
    static final double MAX_WAIT_SECONDS = 60;

    private final LinkState link;
    private final RouteGuard guard;
    /** The serialised form of the last snapshot: status polls between changes cost no JSON work. */
    private volatile Rendered rendered = new Rendered(null, null);

    private record Rendered(LinkStatus snapshot, byte[] json) {
    }

    LinkStatusService(LinkState link, RouteGuard guard) {
        this.link = link;
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.GET, "/link_status", RouteClass.PUBLIC, "link_status", (grant, req, res) -> linkStatus(req, res));
    }

    private void linkStatus(ServerRequest req, ServerResponse res) throws InterruptedException {
        var wait = req.query().first("wait").asOptional();
        var version = req.query().first("version").asOptional();
        LinkStatus s;
        if (wait.isPresent()) {
            Duration timeout = parseWait(wait.get());
            long known = version.isPresent() ? parseVersion(version.get()) : link.snapshot().version();
            s = link.awaitChange(known, timeout);
        } else {
            if (version.isPresent()) {
                parseVersion(version.get()); // validated for consistency; without wait it changes nothing
            }
            s = link.snapshot();
        }
        Json.send(res, Status.OK_200, render(s));
    }

    private byte[] render(LinkStatus s) {
        Rendered r = rendered;
        if (r.snapshot() != s) {
            r = new Rendered(s, s.toJson().getBytes(StandardCharsets.UTF_8));
            rendered = r;
        }
        return r.json();
    }

    static Duration parseWait(String raw) {
        double seconds;
        try {
            seconds = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_parameter", "wait must be a number of seconds between 0 and 60");
        }
        if (!(seconds >= 0 && seconds <= MAX_WAIT_SECONDS)) {
            throw ApiError.badRequest("invalid_parameter", "wait must be between 0 and 60 seconds");
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    static long parseVersion(String raw) {
        try {
            long v = Long.parseLong(raw.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_parameter", "version must be a non-negative whole number");
        }
    }
}
