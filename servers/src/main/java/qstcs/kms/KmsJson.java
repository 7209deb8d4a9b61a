package qstcs.kms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.server.common.Json;

/**
 * The JSON shapes of the KMS API in one place, field order as in docs/kms-api.md ({@code status}
 * first in status objects, so the router guard's {@code grep -o '"status":"[^"]*"'} works).
 */
final class KmsJson {
    /** The RED reply to a key request; the original protocol answers 200 so clients handle it gracefully. */
    static final String COMPROMISED = "QKD link compromised — key not issued";

    private KmsJson() {
    }

    /** QBER and rates are estimates; six decimals as in {@code /link_status}. */
    static double round6(double v) {
        return LinkStatus.round6(v);
    }

    /** The {@code /link_status} object as a tree, for events that add fields to it. */
    static ObjectNode status(LinkStatus s) {
        return (ObjectNode) Json.parse(s.toJson().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The key reply, {@code {"key_id","key_hex","qber","status","pqc","state","message_budget",
     * "created_at"}}, written straight into the body bytes: the key goes from its
     * {@link qstcs.crypto.keys.SecretBytes} into the buffer the response sends, never into a
     * {@code String}, so the caller can wipe every copy once the reply is out. Every other value
     * is ASCII that needs no escaping (UUID, enum names, an ISO instant); KeyRequestBodyTest
     * checks the bytes against a Jackson tree of the same reply.
     */
    static byte[] keyBytes(IssuedKey k, boolean pqc) {
        String head = "{\"key_id\":\"" + k.keyId() + "\",\"key_hex\":\"";
        String tail = "\",\"qber\":" + round6(k.qber())
                + ",\"status\":\"" + k.status().name()
                + "\",\"pqc\":" + pqc
                + ",\"state\":\"" + k.state().name().toLowerCase(java.util.Locale.ROOT)
                + "\",\"message_budget\":" + k.messageBudget()
                + ",\"created_at\":\"" + k.createdAtText()
                + "\"}";
        byte[] out = new byte[head.length() + 2 * k.key().size() + tail.length()];
        int p = ascii(head, out, 0);
        p = k.key().writeHex(out, p);
        ascii(tail, out, p);
        return out;
    }

    private static int ascii(String s, byte[] out, int offset) {
        for (int i = 0; i < s.length(); i++) {
            out[offset + i] = (byte) s.charAt(i); // ASCII only, see keyBytes
        }
        return offset + s.length();
    }

    static ObjectNode compromised(double qber) {
        ObjectNode o = Json.object();
        o.put("error", COMPROMISED);
        o.put("qber", round6(qber));
        o.put("status", LinkColour.RED.name());
        return o;
    }

    /** A round's statistics, and what it added to the pool ({@code after}: the state it left). */
    static ObjectNode round(RoundReport r, LinkStatus after) {
        ObjectNode o = Json.object();
        o.put("round", r.round());
        o.put("qubits", r.qubits());
        o.put("sifted", r.sifted());
        o.put("sample_size", r.sampleSize());
        o.put("qber", round6(r.estimatedQber()));
        o.put("true_qber", round6(r.trueQber()));
        o.put("leak_ec", r.leakEc());
        o.put("efficiency", round6(r.efficiency()));
        o.put("final_bits", r.finalBits());
        o.put("duration_ms", round6(r.durationMs()));
        o.put("abort_reason", r.abortReason());
        o.put("breach", r.breach());
        o.put("eve_active", r.eveActive());
        o.put("eve_intercept_rate", round6(r.eveRate()));
        o.put("forced", r.forced());
        o.put("tolerated_qber", round6(r.toleratedQber()));
        o.put("key_bits", after.keyBits());
        o.put("reason", after.reason());
        o.put("pool_bits", after.poolBits());
        return o;
    }

    /** Key metadata for events: never the key itself. */
    static ObjectNode keyEvent(String action, String keyId, DevicePair pair, String requester, String replaced) {
        ObjectNode o = Json.object();
        o.put("action", action);
        o.put("key_id", keyId);
        o.putArray("pair").add(pair.first()).add(pair.second());
        if (requester != null) {
            o.put("requested_by", requester);
        }
        if (replaced != null) {
            o.put("replaced_key_id", replaced);
        }
        return o;
    }

    static ObjectNode audit(AuditLog.Entry e) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("at", e.at().toString());
        o.put("kind", e.kind());
        o.put("actor", e.actor());
        o.put("detail", e.detail());
        return o;
    }

    /** One alarm of {@code /admin/alarms} and of the {@code alarm} event. */
    static ObjectNode alarm(AlarmBook.Alarm a) {
        ObjectNode o = Json.object();
        o.put("id", a.id());
        o.put("raised_at", a.raisedAt().toString());
        o.put("kind", a.kind());
        o.put("qber", round6(a.qber()));
        o.put("detail", a.detail());
        o.put("acknowledged", a.acknowledged());
        a.acknowledgedBy().ifPresentOrElse(by -> o.put("acknowledged_by", by), () -> o.putNull("acknowledged_by"));
        a.acknowledgedAt().ifPresentOrElse(at -> o.put("acknowledged_at", at.toString()),
                () -> o.putNull("acknowledged_at"));
        return o;
    }

    /** The answer of {@code /admin/history}: samples oldest first, then markers. */
    static ObjectNode history(LinkHistory.View v) {
        ObjectNode o = Json.object();
        o.put("range", v.range().wire);
        o.put("from", v.from().toString());
        o.put("to", v.to().toString());
        var samples = o.putArray("samples");
        for (LinkHistory.Sample s : v.samples()) {
            ObjectNode x = samples.addObject();
            x.put("at", s.at().toString());
            x.put("qber", round6(s.qber()));
            x.put("key_rate_bps", Double.isFinite(s.keyRateBps()) ? Math.round(s.keyRateBps()) : 0);
            x.put("pool_bits", s.poolBits());
            x.put("status", s.status().name());
        }
        var markers = o.putArray("markers");
        for (LinkHistory.Marker m : v.markers()) {
            ObjectNode x = markers.addObject();
            x.put("at", m.at().toString());
            x.put("kind", m.kind().wire());
            x.put("detail", m.detail());
        }
        return o;
    }
}
