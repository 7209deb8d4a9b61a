package qstcs.kms;

import com.fasterxml.jackson.databind.node.ObjectNode;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.server.common.Json;

/**
 * Turns link changes into server-sent events and audit entries. Key events and audit entries
 * carry key ids and pairs, never key bytes. Every key delivery is not audited (that would be
 * thousands per second); the creation of each key is.
 */
final class LinkEvents implements LinkListener {
    static final String SYSTEM = "system";

    private final EventHub events;
    private final AuditLog audit;

    LinkEvents(EventHub events, AuditLog audit) {
        this.events = events;
        this.audit = audit;
    }

    @Override
    public void roundCompleted(RoundReport round, LinkStatus after) {
        events.publish("round", KmsJson.round(round, after));
    }

    @Override
    public void statusChanged(LinkStatus now, LinkColour before, String cause) {
        ObjectNode status = KmsJson.status(now);
        status.put("previous", before.name());
        status.put("cause", cause);
        events.publish("status", status);
        audit.append("status_changed", SYSTEM, before + " -> " + now.status() + " (" + cause + ")");
    }

    @Override
    public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
        audit.append(forced ? "forced_attack" : "breach", by.actor(),
                "link RED at QBER " + LinkState.percent(qber) + "; pool flushed; " + keysRevoked + " key(s) revoked"
                        + by.auditSuffix());
        if (keysRevoked > 0) {
            ObjectNode o = Json.object();
            o.put("action", "revoked_all");
            o.put("count", keysRevoked);
            events.publish("key", o);
        }
    }

    @Override
    public void keyCreated(IssuedKey key, String requester, String replaced) {
        String action = replaced == null ? "issued" : "rotated";
        events.publish("key", KmsJson.keyEvent(action, key.keyId(), key.pair(), requester, replaced));
        audit.append(replaced == null ? "key_issued" : "key_rotated", requester,
                "key " + key.keyId() + " for " + key.pair().label()
                        + (replaced == null ? "" : " replacing " + replaced));
    }

    @Override
    public void eveChanged(boolean active, double rate, String actor) {
        ObjectNode o = Json.object();
        o.put("eve_active", active);
        o.put("eve_intercept_rate", KmsJson.round6(rate));
        events.publish("eve", o);
        audit.append("eve_changed", actor, active ? "eavesdropper ON, intercept rate " + KmsJson.round6(rate)
                : "eavesdropper OFF");
    }

    @Override
    public void linkReset(OperatorAction by, LinkStatus now) {
        ObjectNode status = KmsJson.status(now);
        status.put("cause", "reset");
        events.publish("status", status);
        audit.append("reset", by.actor(), "link reset to GREEN; Eve off; pool, keys, sessions and counters cleared"
                + by.auditSuffix());
    }
}
