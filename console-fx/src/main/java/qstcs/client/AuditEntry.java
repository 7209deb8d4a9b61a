package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;

/** One line of the KMS audit log as the event timeline shows it. */
public record AuditEntry(long id, Instant at, String type, String actor, Severity severity, String detail) {

    /** How loudly the timeline shows an entry; drives its colour through a CSS pseudo-class. */
    public enum Severity { INFO, WARNING, CRITICAL }

    public static AuditEntry fromJson(JsonNode json) {
        String type = firstText(json, "type", "event", "kind");
        String detail = firstText(json, "detail", "message", "description");
        return new AuditEntry(json.path("id").asLong(0), parseTime(json), type, firstText(json, "actor"),
                severityOf(json.path("severity").asText(""), type + " " + detail), detail);
    }

    /**
     * Uses the KMS severity when it sends one, else infers it from the event kind and detail
     * (a status change "GREEN -> RED" is critical, "-> YELLOW" a warning, "-> GREEN" news).
     */
    public static Severity severityOf(String declared, String type) {
        switch (declared.toLowerCase(Locale.ROOT)) {
            case "critical", "error", "alert", "high" -> { return Severity.CRITICAL; }
            case "warning", "warn", "medium" -> { return Severity.WARNING; }
            case "info", "low", "notice" -> { return Severity.INFO; }
            default -> { }
        }
        String t = type.toLowerCase(Locale.ROOT);
        if (t.contains("breach") || t.contains("attack") || t.contains("revok") || t.contains("fail")
                || t.contains("denied") || t.contains("-> red")) {
            return Severity.CRITICAL;
        }
        if (t.matches("(?s).*\\beve\\b.*|.*eve_.*") || t.contains("-> yellow") || t.contains("warn")) {
            return Severity.WARNING;
        }
        return Severity.INFO;
    }

    private static String firstText(JsonNode json, String... names) {
        for (String name : names) {
            JsonNode node = json.get(name);
            if (node != null && !node.isNull()) {
                return node.isValueNode() ? node.asText() : node.toString();
            }
        }
        return "";
    }

    private static Instant parseTime(JsonNode json) {
        for (String name : new String[] {"at", "time", "timestamp", "created_at"}) {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                continue;
            }
            if (node.isNumber()) {
                long v = node.asLong();
                // Seconds and milliseconds since the epoch both occur in JSON APIs; tell them apart by size.
                return v > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
            }
            try {
                return Instant.parse(node.asText());
            } catch (java.time.format.DateTimeParseException ignored) {
                // fall through to the next candidate field
            }
        }
        return Instant.now();
    }
}
