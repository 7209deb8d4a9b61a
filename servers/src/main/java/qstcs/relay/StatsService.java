package qstcs.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import qstcs.server.common.Json;
import qstcs.server.common.JsonErrors;
import qstcs.server.http.ConnectionGate;

/**
 * Plain HTTP on the relay's port: {@code GET /stats} (read-only figures for the SOC console) and
 * an explanation at {@code /} for requests that are not WebSocket upgrades. The routes are in
 * {@link RelayServer#routing}.
 */
final class StatsService {

    private final Switchboard switchboard;
    private final Instant started;
    private final ConnectionGate gate;

    StatsService(Switchboard switchboard, Instant started, ConnectionGate gate) {
        this.switchboard = switchboard;
        this.started = started;
        this.gate = gate;
    }

    /** Figures for anyone; which devices are online only for the operator (when the relay has identities). */
    void stats(ServerRequest req, ServerResponse res) {
        String token = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).strip()).orElse(null);
        boolean ids = switchboard.showsDevicesTo(token);
        Json.send(res, Status.OK_200, statsJson(ids).getBytes(StandardCharsets.UTF_8));
    }

    void root(ServerRequest req, ServerResponse res) {
        if (!switchboard.acceptsNewSessions()) {
            Json.send(res, Status.FORBIDDEN_403, JsonErrors.body("link_red",
                    "the quantum link is RED; the relay refuses new sessions until the operator resets the link"));
        } else {
            res.header(HeaderNames.UPGRADE, "websocket");
            Json.send(res, Status.UPGRADE_REQUIRED_426, JsonErrors.body("websocket_required",
                    "this is the QSTCS relay; connect with a WebSocket client, or GET /stats"));
        }
    }

    /** Compact JSON, link status first (the same convention as the KMS status objects). */
    String statsJson() {
        return statsJson(true);
    }

    /** As {@link #statsJson()}; without {@code ids} the {@code online} list is left out (the count stays). */
    String statsJson(boolean ids) {
        RelayStats s = switchboard.stats();
        var online = java.util.List.copyOf(switchboard.online());
        StringBuilder sb = new StringBuilder(256)
                .append("{\"link_status\":").append(RelayFrames.quote(switchboard.linkStatus()));
        if (ids) {
            sb.append(",\"online\":[");
            boolean first = true;
            for (String id : online) {
                sb.append(first ? "" : ",").append(RelayFrames.quote(id));
                first = false;
            }
            sb.append(']');
        }
        return sb.append(",\"online_count\":").append(online.size())
                .append(",\"connections\":").append(switchboard.openConnections())
                .append(",\"queued_frames\":").append(switchboard.queuedFrames())
                .append(",\"queued_bytes\":").append(switchboard.queuedBytes())
                .append(",\"connections_total\":").append(s.connections.sum())
                .append(",\"frames_in\":").append(s.framesIn.sum())
                .append(",\"frames_relayed\":").append(s.framesRelayed.sum())
                .append(",\"frames_queued\":").append(s.framesQueued.sum())
                .append(",\"frames_dropped\":").append(s.framesDropped.sum())
                .append(",\"errors\":").append(s.errors.sum())
                .append(",\"replaced\":").append(s.replaced.sum())
                .append(",\"link_cuts\":").append(s.linkCuts.sum())
                .append(",\"refused\":").append(s.refused.sum())
                .append(",\"slow_closed\":").append(s.slowClosed.sum())
                .append(",\"max_connections\":").append(gate.limits().maxConnections())
                .append(",\"refused_over_cap\":").append(gate.refusedOverCap())
                .append(",\"lent_bytes\":").append(s.lentBytes.sum())
                .append(",\"max_lent_bytes\":").append(RelayServer.lentBudget(switchboard.limits()))
                .append(",\"lent_cuts\":").append(s.lentCuts.sum())
                .append(",\"uptime_s\":").append(Duration.between(started, Instant.now()).toSeconds())
                .append('}').toString();
    }
}
