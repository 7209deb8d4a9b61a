package qstcs.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the ticks of a time axis fall and what they say: on round local clock times for the span
 * shown (whole minutes for five minutes, every 10 minutes for an hour, hours or days for a long
 * history), as a wall clock reads, never at an offset from whenever the axis happens to start.
 */
final class TimeTicks {
    /** The steps a tick may take, in seconds: each divides a minute, an hour or a day evenly. */
    private static final long[] STEPS = {30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    private static final long DAY = 86400;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAYS = DateTimeFormatter.ofPattern("d MMM", Locale.ROOT);

    private TimeTicks() {
    }

    /** The smallest round step that puts at most {@code maxTicks} ticks on {@code spanSeconds}. */
    static long step(double spanSeconds, int maxTicks) {
        for (long s : STEPS) {
            if (spanSeconds / s <= maxTicks) {
                return s;
            }
        }
        return DAY * (long) Math.ceil(spanSeconds / DAY / maxTicks);
    }

    /**
     * Every time from {@code from} to {@code to} (epoch seconds, both included) at which the local
     * clock in {@code zone} shows a whole multiple of {@code step} since midnight (days count from
     * 1 January 1970 local time), in order.
     */
    static List<Long> between(double from, double to, long step, ZoneId zone) {
        List<Long> ticks = new ArrayList<>();
        long start = (long) Math.floor(from);
        long local = start + zone.getRules().getOffset(Instant.ofEpochSecond(start)).getTotalSeconds();
        long first = Math.floorDiv(local, step) * step;
        // A clock change inside the span moves the local offset: each tick is placed with its own.
        for (long l = first; ; l += step) {
            LocalDateTime wall = LocalDateTime.ofEpochSecond(l, 0, ZoneOffset.UTC);
            long t = wall.atZone(zone).toEpochSecond();
            if (t > to) {
                return ticks;
            }
            if (t >= from && (ticks.isEmpty() || t > ticks.getLast())) {
                ticks.add(t);
            }
        }
    }

    /** A tick's label: seconds only when the step needs them, the date at midnight and for day steps. */
    static String label(long epochSecond, long step, ZoneId zone) {
        LocalDateTime wall = LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone);
        if (step >= DAY || (step >= 3600 && wall.toLocalTime().toSecondOfDay() == 0)) {
            return DAYS.format(wall);
        }
        return (step < 60 ? SECONDS : MINUTES).format(wall);
    }
}
