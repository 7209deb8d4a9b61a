package qstcs.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ticks of the charts' time axis fall on round local clock times whatever second the range starts at. */
class TimeTicksTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata"); // UTC+05:30: local hours are at :30 UTC

    private static long at(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    private static List<String> labels(List<Long> ticks, long step, ZoneId zone) {
        return ticks.stream().map(t -> TimeTicks.label(t, step, zone)).toList();
    }

    @Test
    void fiveMinutesTickOnWholeMinutes() {
        long to = at("2026-12-04T09:42:37Z");
        long step = TimeTicks.step(300, TimeAxis.MAX_TICKS);
        assertEquals(60, step);
        List<Long> ticks = TimeTicks.between(to - 300, to, step, BERLIN);
        assertEquals(List.of("10:38", "10:39", "10:40", "10:41", "10:42"), labels(ticks, step, BERLIN));
    }

    @Test
    void anHourTicksEveryTenMinutes() {
        long to = at("2026-12-04T09:42:37Z");
        long step = TimeTicks.step(3600, TimeAxis.MAX_TICKS);
        assertEquals(600, step);
        assertEquals(List.of("09:50", "10:00", "10:10", "10:20", "10:30", "10:40"),
                labels(TimeTicks.between(to - 3600, to, step, BERLIN), step, BERLIN));
    }

    @Test
    void aMinuteTicksEveryThirtySecondsWithSeconds() {
        long to = at("2026-12-04T09:42:37Z");
        long step = TimeTicks.step(60, TimeAxis.MAX_TICKS);
        assertEquals(30, step);
        assertEquals(List.of("10:42:00", "10:42:30"),
                labels(TimeTicks.between(to - 60, to, step, BERLIN), step, BERLIN));
    }

    @Test
    void hoursAreLocalHoursEvenWhereTheOffsetIsNotWholeHours() {
        long from = at("2026-12-04T00:00:00Z"); // 05:30 in Kolkata
        long step = TimeTicks.step(6 * 3600, TimeAxis.MAX_TICKS);
        assertEquals(3600, step);
        List<Long> ticks = TimeTicks.between(from, from + 6 * 3600, step, KOLKATA);
        assertEquals(List.of("06:00", "07:00", "08:00", "09:00", "10:00", "11:00"), labels(ticks, step, KOLKATA));
        assertEquals(at("2026-12-04T00:30:00Z"), ticks.getFirst());
    }

    @Test
    void aLongHistorySaysTheDateAtMidnightAndTicksStayRoundAcrossAClockChange() {
        long from = at("2026-03-28T12:00:00Z"); // Berlin moves to summer time in the night of 29 March
        long step = TimeTicks.step(2 * 86400, TimeAxis.MAX_TICKS);
        assertEquals(43200, step);
        List<Long> ticks = TimeTicks.between(from, from + 2 * 86400, step, BERLIN);
        assertEquals(List.of("29 Mar", "12:00", "30 Mar", "12:00"), labels(ticks, step, BERLIN));
        assertEquals(at("2026-03-29T10:00:00Z"), ticks.get(1), "noon in summer time is 10:00 UTC, not 11:00");
    }

    @Test
    void weeksTickOnDays() {
        long step = TimeTicks.step(30 * 86400, TimeAxis.MAX_TICKS);
        assertEquals(5 * 86400, step);
        assertEquals("4 Dec", TimeTicks.label(at("2026-12-03T23:00:00Z"), step, BERLIN));
    }
}
