package qstcs.crypto.link;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

import qstcs.crypto.wire.FlatJson;
import qstcs.crypto.wire.MalformedFrameException;

/**
 * One reading of the KMS {@code GET /link_status} object: the KMS writes it with {@link #toJson}
 * and every reader (relay, router guard tests, chat client, console) parses it with
 * {@link #parse}, so the wire shape lives here once. QBER values are fractions (0.25 = 25 %).
 * While RED is latched {@code qber} keeps the breach round's value (what the audience should
 * see) and {@code lastRoundQber} is the live one; {@code version} grows on every status change
 * and is what long-polls wait on.
 *
 * @param status          the link colour
 * @param qber            the QBER the status was decided on
 * @param totalKeysIssued keys handed out since the last reset
 * @param totalSessions   distinct device pairs that asked for keys
 * @param attacksDetected breaches since the last reset
 * @param activeSessions  keys currently active
 * @param eveActive       whether the simulated eavesdropper is on
 * @param eveRate         the eavesdropper's intercept rate, 0..1
 * @param version         grows on every status change
 * @param round           the latest round number
 * @param lastRoundQber   the latest round's estimate
 * @param keyRateBps      final key bits per second, recent average
 * @param poolBits        key bits waiting in the pool
 * @param changedAt       when the status last changed
 * @param keyBits         bits the latest round added to the pool ({@code key_bits})
 * @param reason          why that was none ({@code reason}): {@code none} when it added key,
 *                        {@code finite_key} when the QBER is under the breach line but the
 *                        finite-key bound left nothing (the link stays YELLOW, the pool only
 *                        drains), else the round's other abort reason or {@code link_red}
 * @param breachesTotal   breaches since this KMS state began ({@code breaches_total}); a reset
 *                        clears {@code attacksDetected} but never this count
 */
public record LinkStatus(LinkColour status, double qber, long totalKeysIssued, long totalSessions,
                         long attacksDetected, long activeSessions, boolean eveActive, double eveRate,
                         long version, long round, double lastRoundQber, double keyRateBps, long poolBits,
                         Instant changedAt, long keyBits, String reason, long breachesTotal) {

    /** The {@code reason} of a round that added key (also read when a KMS omits the field). */
    public static final String NO_REASON = "none";

    public LinkStatus {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The compact JSON of {@code /link_status}: {@code status} first, because the router guard
     * greps {@code "status":"…"} from it with BusyBox tools. Estimates keep six decimals.
     */
    public String toJson() {
        return FlatJson.writer()
                .string("status", status.name())
                .decimal("qber", round6(qber))
                .integer("total_keys_issued", totalKeysIssued)
                .integer("total_sessions", totalSessions)
                .integer("attacks_detected", attacksDetected)
                .integer("active_sessions", activeSessions)
                .bool("eve_active", eveActive)
                .integer("version", version)
                .integer("round", round)
                .decimal("last_round_qber", round6(lastRoundQber))
                .integer("key_rate_bps", Double.isFinite(keyRateBps) ? Math.round(keyRateBps) : 0)
                .integer("pool_bits", poolBits)
                .string("changed_at", changedAt.toString())
                .decimal("eve_intercept_rate", round6(eveRate))
                .integer("key_bits", keyBits)
                .string("reason", reason)
                .integer("breaches_total", breachesTotal)
                .toString();
    }

    /**
     * Reads a {@code /link_status} object. {@code status} must name a colour; every other field
     * may be missing (a KMS of an older release omits some), which reads as 0, false, or for
     * {@code last_round_qber} the {@code qber} and for {@code breaches_total} the
     * {@code attacks_detected} (an older KMS counted nothing beyond it). Unknown fields are ignored, so the KMS may add
     * fields without breaking readers.
     *
     * @throws MalformedFrameException if the text is not a flat JSON object with a colour
     */
    public static LinkStatus parse(String json) {
        FlatJson o = FlatJson.parseWithFractions(json);
        LinkColour colour = LinkColour.parse(o.optionalString("status").orElse(null))
                .orElseThrow(() -> new MalformedFrameException("field 'status' must be GREEN, YELLOW or RED"));
        double qber = number(o, "qber", 0);
        Instant changedAt = Instant.EPOCH;
        if (o.has("changed_at")) {
            try {
                changedAt = Instant.parse(o.string("changed_at"));
            } catch (DateTimeParseException e) {
                throw new MalformedFrameException("field 'changed_at' must be an ISO-8601 instant");
            }
        }
        return new LinkStatus(colour, qber, whole(o, "total_keys_issued"), whole(o, "total_sessions"),
                whole(o, "attacks_detected"), whole(o, "active_sessions"),
                o.has("eve_active") && o.bool("eve_active"), number(o, "eve_intercept_rate", 0),
                o.has("version") ? o.integer("version") : -1, whole(o, "round"),
                number(o, "last_round_qber", qber), number(o, "key_rate_bps", 0), whole(o, "pool_bits"), changedAt,
                whole(o, "key_bits"), o.optionalString("reason").orElse(NO_REASON),
                o.has("breaches_total") ? o.integer("breaches_total") : whole(o, "attacks_detected"));
    }

    /** True when the status object came from a KMS that supports the long-poll ({@code version}). */
    public boolean hasVersion() {
        return version >= 0;
    }

    /** QBER and rates are estimates; six decimals keep the JSON short without losing meaning. */
    public static double round6(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0.0;
    }

    private static long whole(FlatJson o, String field) {
        return o.has(field) ? o.integer(field) : 0;
    }

    private static double number(FlatJson o, String field, double fallback) {
        return o.has(field) ? o.decimal(field) : fallback;
    }
}
