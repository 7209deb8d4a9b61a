package qstcs.kms;

import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.ApiError;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * The operator's monitoring board: the link's history for the charts
 * ({@code GET /admin/history?range=5m|1h|all}) and the breach alarms
 * ({@code GET /admin/alarms}, {@code POST /admin/alarms/{id}/ack}).
 */
final class MonitoringService implements HttpService {
    private static final Set<String> ACK_FIELDS = Set.of("note");
    private static final Pattern NOTE = Pattern.compile("[^\\p{Cntrl}]{0,200}");
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

    private final LinkHistory history;
    private final AlarmBook alarms;
    private final LinkState link;
    private final RouteGuard guard;
    private final long maxBodyBytes;

    MonitoringService(LinkHistory history, AlarmBook alarms, LinkState link, RouteGuard guard, long maxBodyBytes) {
        this.history = history;
        this.alarms = alarms;
        this.link = link;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.GET, "/admin/history", RouteClass.OPERATOR, "admin_history", this::history)
                .add(rules, Method.GET, "/admin/alarms", RouteClass.OPERATOR, "admin_alarms", this::alarms)
                .add(rules, Method.POST, "/admin/alarms/{id}/ack", RouteClass.OPERATOR, "admin_alarm_ack", this::ack);
    }

    private void history(AccessGrant grant, ServerRequest req, ServerResponse res) {
        String raw = req.query().first("range").asOptional().orElse("1h");
        LinkHistory.Range range = LinkHistory.Range.parse(raw).orElseThrow(() ->
                ApiError.badRequest("invalid_parameter", "range must be 5m, 1h or all"));
        Json.send(res, Status.OK_200, KmsJson.history(history.view(range)));
    }

    private void alarms(AccessGrant grant, ServerRequest req, ServerResponse res) {
        ObjectNode o = Json.object();
        o.put("unacknowledged", alarms.unacknowledged());
        o.put("breaches_total", link.snapshot().breachesTotal());
        ArrayNode list = o.putArray("alarms");
        alarms.list().forEach(a -> list.add(KmsJson.alarm(a)));
        Json.send(res, Status.OK_200, o);
    }

    private void ack(AccessGrant grant, ServerRequest req, ServerResponse res) {
        String rawId = req.path().pathParameters().get("id");
        if (!ID.matcher(rawId).matches()) {
            throw ApiError.badRequest("invalid_parameter", "an alarm id is a positive whole number");
        }
        JsonRequest body = JsonRequest.read(req, maxBodyBytes, ACK_FIELDS, true);
        String note = body.optionalText("note", "", NOTE, "up to 200 characters without control characters").strip();
        AlarmBook.Ack result = alarms.acknowledge(Long.parseLong(rawId), grant.actor(), note);
        switch (result) {
            case AlarmBook.Ack.Done done -> Json.send(res, Status.OK_200, KmsJson.alarm(done.alarm()));
            case AlarmBook.Ack.Unknown u -> throw ApiError.notFound("unknown_alarm", "no alarm " + rawId);
            case AlarmBook.Ack.Already already -> throw new ApiError(Status.CONFLICT_409, "already_acknowledged",
                    "alarm " + rawId + " was acknowledged by " + already.alarm().acknowledgedBy().orElse("?")
                            + " at " + already.alarm().acknowledgedAt().map(Object::toString).orElse("?"));
        }
    }
}
