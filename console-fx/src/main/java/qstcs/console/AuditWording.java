package qstcs.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import qstcs.client.AuditEntry;

/**
 * How audit entries read to a person: a name instead of the wire kind ({@code status_changed} ⇒
 * "Link status changed"), local times, long decimals rounded, and the severity as an icon plus a
 * word, so that it never depends on colour alone.
 */
final class AuditWording {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final Pattern LONG_DECIMAL = Pattern.compile("(?<![\\w.])(\\d+)\\.(\\d{3,})(?![\\w.])");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("status_changed", "Link status changed"),
            Map.entry("breach", "Breach detected"),
            Map.entry("breach_latched", "Breach still latched"),
            Map.entry("forced_attack", "Attack forced"),
            Map.entry("reset", "Link reset"),
            Map.entry("eve_changed", "Eavesdropper changed"),
            Map.entry("key_issued", "Key issued"),
            Map.entry("key_rotated", "Key rotated"),
            Map.entry("keys_revoked", "Keys revoked"),
            Map.entry("server_started", "KMS started"),
            Map.entry("server_stopped", "KMS stopped"),
            Map.entry("auth_failure", "Access refused"),
            Map.entry("enrollment_created", "Enrollment code created"),
            Map.entry("device_enrolled", "Device enrolled"),
            Map.entry("device_revoked", "Device revoked"),
            Map.entry("alarm_acknowledged", "Alarm acknowledged"),
            Map.entry("sae_certificate_issued", "SAE certificate issued"),
            Map.entry("sae_certificate_revoked", "SAE certificate revoked"),
            Map.entry("router_state", "Router guard changed"));

    private AuditWording() {
    }

    /** A readable name for a wire kind; unknown kinds are spelt out from their words. */
    static String name(String kind) {
        String known = NAMES.get(kind);
        if (known != null) {
            return known;
        }
        String words = kind.replace('_', ' ').strip();
        return words.isEmpty() ? "Event" : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The severity as icon and word. */
    static String severity(AuditEntry.Severity s) {
        return switch (s) {
            case CRITICAL -> "✖ Critical";
            case WARNING -> "▲ Warning";
            case INFO -> "● Info";
        };
    }

    /** The detail with decimals of three or more places rounded to two ("0.21134" ⇒ "0.21"). */
    static String detail(String detail) {
        Matcher m = LONG_DECIMAL.matcher(detail);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            double v = Double.parseDouble(m.group(1) + "." + m.group(2));
            m.appendReplacement(out, String.format(Locale.ROOT, "%.2f", v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    static String dateTime(Instant at) {
        return DATE_TIME.format(at);
    }
}
