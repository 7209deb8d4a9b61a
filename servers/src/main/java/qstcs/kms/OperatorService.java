package qstcs.kms;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.crypto.link.LinkStatus;
import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The operator's controls: {@code POST /force_attack}, {@code POST /reset}, {@code POST /eve}
 * and the audit log at {@code GET /admin/audit?limit=&before=}.
 */
final class OperatorService implements HttpService {
    static final int MAX_AUDIT_PAGE = 500;
    /** Force attack and reset take an optional {@code {"reason":"..."}} for the audit log. */
    private static final Set<String> REASON_FIELDS = Set.of("reason");
    private static final Set<String> EVE_FIELDS = Set.of("active", "intercept_rate");

    private final LinkState link;
    private final QuantumLink quantumLink;
    private final AuditLog audit;
    private final RouteGuard guard;
    private final long maxBodyBytes;

    OperatorService(LinkState link, QuantumLink quantumLink, AuditLog audit, RouteGuard guard, long maxBodyBytes) {
        this.link = link;
        this.quantumLink = quantumLink;
        this.audit = audit;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.POST, "/force_attack", RouteClass.OPERATOR, "force_attack", this::forceAttack)
                .add(rules, Method.POST, "/reset", RouteClass.OPERATOR, "reset", this::reset)
                .add(rules, Method.POST, "/eve", RouteClass.OPERATOR, "eve", this::eve)
                .add(rules, Method.GET, "/admin/audit", RouteClass.OPERATOR, "audit", this::auditPage);
    }

    private void forceAttack(AccessGrant grant, ServerRequest req, ServerResponse res) {
        OperatorAction by = OperatorAction.of(grant.actor(), JsonRequest.read(req, maxBodyBytes, REASON_FIELDS, true));
        LinkStatus after = quantumLink.forceAttack(by);
        ObjectNode o = Json.object();
        o.put("status", after.status().name());
        o.put("qber", KmsJson.round6(after.qber()));
        Json.send(res, Status.OK_200, o);
    }

    private void reset(AccessGrant grant, ServerRequest req, ServerResponse res) {
        link.reset(OperatorAction.of(grant.actor(), JsonRequest.read(req, maxBodyBytes, REASON_FIELDS, true)));
        ObjectNode o = Json.object();
        o.put("status", "reset_complete");
        Json.send(res, Status.OK_200, o);
    }

    private void eve(AccessGrant grant, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, maxBodyBytes, EVE_FIELDS, false);
        boolean active = body.requiredBoolean("active");
        double rate = body.optionalNumber("intercept_rate", Double.NaN, 0.0, 1.0);
        if (active && Double.isNaN(rate)) {
            throw ApiError.badRequest("missing_field", "field \"intercept_rate\" (0..1) is required when active is true");
        }
        link.setEve(active, active ? rate : 0.0, grant.actor());
        LinkStatus s = link.snapshot();
        ObjectNode o = Json.object();
        o.put("status", s.status().name());
        o.put("eve_active", s.eveActive());
        o.put("eve_intercept_rate", KmsJson.round6(s.eveRate()));
        Json.send(res, Status.OK_200, o);
    }

    private void auditPage(AccessGrant grant, ServerRequest req, ServerResponse res) {
        int limit = (int) queryLong(req, "limit", 50, 1, MAX_AUDIT_PAGE);
        long before = queryLong(req, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        List<AuditLog.Entry> page = audit.page(limit, before);
        ObjectNode o = Json.object();
        ArrayNode entries = o.putArray("entries");
        for (AuditLog.Entry e : page) {
            entries.add(KmsJson.audit(e));
        }
        if (page.size() == limit) {
            o.put("next_before", page.getLast().id());
        } else {
            o.putNull("next_before");
        }
        Json.send(res, Status.OK_200, o);
    }

    private static long queryLong(ServerRequest req, String name, long fallback, long min, long max) {
        var raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw.get().trim());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_parameter", name + " must be a whole number between " + min + " and " + max);
        }
    }
}
