package qstcs.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How old a shown value is: never received, fresh, or stale (its source went quiet or offline).
 * A stale value stays on screen greyed with the local time it arrived, so the operator never takes
 * an old number for a live one; a value never received is shown as "—", never as 0.
 */
enum ValueAge {
    NEVER, FRESH, STALE;

    /** Shown in place of a value that was never received. */
    static final String MISSING = "—";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /**
     * @param receivedAt when the value arrived, or null if it never did
     * @param sourceLive whether its source is connected now
     * @param staleAfter how long a value of a connected source counts as current
     */
    static ValueAge of(Instant receivedAt, boolean sourceLive, Instant now, Duration staleAfter) {
        if (receivedAt == null) {
            return NEVER;
        }
        return sourceLive && Duration.between(receivedAt, now).compareTo(staleAfter) <= 0 ? FRESH : STALE;
    }

    /** {@code "last update 14:02:07"} in the console's local time zone. */
    static String lastUpdate(Instant receivedAt, ZoneId zone) {
        return "last update " + CLOCK.format(receivedAt.atZone(zone));
    }
}
