package qstcs.kms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.server.common.Json;

/**
 * The JSON shapes of the KMS API in one place, field order as in DESIGN.md §4 ({@code status}
 * first in status objects, so the router guard's {@code grep -o '"status":"[^"]*"'} works).
 */
final class KmsJson {
    /** The RED reply to a key request; the brief asks for 200 so clients handle it gracefully. */
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

    static ObjectNode key(IssuedKey k, boolean pqc) {
        ObjectNode o = Json.object();
        o.put("key_id", k.keyId());
        o.put("key_hex", k.keyHex());
        o.put("qber", round6(k.qber()));
        o.put("status", k.status().name());
        o.put("pqc", pqc);
        o.put("state", k.state().name().toLowerCase(java.util.Locale.ROOT));
        o.put("message_budget", k.messageBudget());
        o.put("created_at", k.createdAt().toString());
        return o;
    }

    /**
     * The same bytes as {@code Json.bytes(key(k, pqc))}, written directly: key replies are the hot
     * path and every value here is ASCII that needs no escaping (UUID, hex, enum names, an ISO
     * instant), so a tree and a generator per request bought nothing. KeyRequestBodyTest checks both agree.
     */
    static byte[] keyBytes(IssuedKey k, boolean pqc) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"key_id\":\"").append(k.keyId())
                .append("\",\"key_hex\":\"").append(k.keyHex())
                .append("\",\"qber\":").append(round6(k.qber()))
                .append(",\"status\":\"").append(k.status().name())
                .append("\",\"pqc\":").append(pqc)
                .append(",\"state\":\"").append(k.state().name().toLowerCase(java.util.Locale.ROOT))
                .append("\",\"message_budget\":").append(k.messageBudget())
                .append(",\"created_at\":\"").append(k.createdAtText())
                .append("\"}");
        byte[] out = new byte[sb.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) sb.charAt(i); // ASCII only, see above
        }
        return out;
    }

    static ObjectNode compromised(double qber) {
        ObjectNode o = Json.object();
        o.put("error", COMPROMISED);
        o.put("qber", round6(qber));
        o.put("status", LinkColour.RED.name());
        return o;
    }

    static ObjectNode round(RoundReport r) {
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
}
