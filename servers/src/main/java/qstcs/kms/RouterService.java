package qstcs.kms;

import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import qstcs.kms.identity.AccessGrant;
import qstcs.kms.identity.RouteClass;
import qstcs.server.common.Json;
import qstcs.server.common.JsonRequest;

/**
 * {@code POST /router/heartbeat} from the router guard: its id, whether it is blocking chat
 * traffic and whether its DROP rule is in place. The reply carries the link status so the guard
 * can cross-check.
 */
final class RouterService implements HttpService {
    private static final Set<String> FIELDS = Set.of("router_id", "state", "rule_present");
    private static final Pattern ROUTER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    private static final Pattern STATE = Pattern.compile("BLOCKING|ALLOWING");

    private final RouterRegistry routers;
    private final LinkState link;
    private final RouteGuard guard;
    private final long maxBodyBytes;

    RouterService(RouterRegistry routers, LinkState link, RouteGuard guard, long maxBodyBytes) {
        this.routers = routers;
        this.link = link;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        guard.add(rules, Method.POST, "/router/heartbeat", RouteClass.ROUTER, "router_heartbeat", this::heartbeat);
    }

    private void heartbeat(AccessGrant grant, ServerRequest req, ServerResponse res) {
        JsonRequest body = JsonRequest.read(req, maxBodyBytes, FIELDS, false);
        String id = body.requiredText("router_id", ROUTER_ID, "1-64 characters of A-Z a-z 0-9 _ . : -");
        String state = body.requiredText("state", STATE, "\"BLOCKING\" or \"ALLOWING\"");
        boolean rule = body.requiredBoolean("rule_present");
        routers.record(id, state, rule, req.remotePeer().host());
        ObjectNode o = Json.object();
        o.put("accepted", true);
        o.put("link_status", link.snapshot().status().name());
        Json.send(res, Status.OK_200, o);
    }
}
