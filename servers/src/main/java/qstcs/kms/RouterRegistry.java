package qstcs.kms;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ObjectNode;

import qstcs.server.common.Json;

/**
 * The last heartbeat of each router guard. A heartbeat is published as a {@code router} event;
 * a change of firewall state is also audited (periodic heartbeats with no change are not).
 */
final class RouterRegistry {
    /** What a router reported. */
    record Heartbeat(String routerId, String state, boolean rulePresent, Instant at, String from) {
    }

    private final Map<String, Heartbeat> last = new ConcurrentHashMap<>();
    private final EventHub events;
    private final AuditLog audit;
    private final InstantSource clock;

    RouterRegistry(EventHub events, AuditLog audit, InstantSource clock) {
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    Heartbeat record(String routerId, String state, boolean rulePresent, String from) {
        Heartbeat hb = new Heartbeat(routerId, state, rulePresent, clock.instant(), from);
        Heartbeat before = last.put(routerId, hb);
        events.publish("router", json(hb));
        if (before == null || !before.state().equals(state) || before.rulePresent() != rulePresent) {
            audit.append("router_state", "router:" + routerId,
                    "router guard " + state + (rulePresent ? " (DROP rule present)" : " (no DROP rule)") + " from " + from);
        }
        return hb;
    }

    List<Heartbeat> all() {
        return List.copyOf(last.values());
    }

    static ObjectNode json(Heartbeat hb) {
        ObjectNode o = Json.object();
        o.put("router_id", hb.routerId());
        o.put("state", hb.state());
        o.put("rule_present", hb.rulePresent());
        o.put("at", hb.at().toString());
        return o;
    }
}
