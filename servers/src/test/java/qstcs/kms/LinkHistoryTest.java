package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.kms.identity.SettableClock;

class LinkHistoryTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T00:00:00Z"));
    private final LinkHistory history = new LinkHistory(clock);
    private long round;

    private void round(double qber, long poolBits) {
        round++;
        history.roundCompleted(new RoundReport(round, 1024, 512, 51, qber, qber, 10, 1.1, 256, 1.0, "NONE", false,
                false, 0, false, Double.NaN), new LinkStatus(LinkColour.GREEN, qber, 0, 0, 0, 0, false, 0, 1, round,
                qber, 2000, poolBits, Instant.EPOCH, 256, LinkStatus.NO_REASON, 0));
    }

    @Test
    void roundsInOneSecondBecomeOneSampleWithTheirHighestQber() {
        round(0.01, 100);
        round(0.04, 200);
        round(0.02, 300);
        List<LinkHistory.Sample> samples = history.view(LinkHistory.Range.FIVE_MINUTES).samples();
        assertEquals(1, samples.size());
        assertEquals(0.04, samples.getFirst().qber(), "a spike inside a bucket is never averaged away");
        assertEquals(300, samples.getFirst().poolBits(), "the pool is the bucket's last value");
    }

    @Test
    void rangesSelectByTimeAndMemoryStaysBounded() {
        for (int i = 0; i < 3 * 3600; i++) { // three hours, one round per second
            round(0.01, i);
            clock.advance(Duration.ofSeconds(1));
        }
        assertTrue(history.size() <= LinkHistory.FINE_CAPACITY + LinkHistory.COARSE_CAPACITY, "bounded");
        var fiveMinutes = history.view(LinkHistory.Range.FIVE_MINUTES).samples();
        assertTrue(fiveMinutes.size() >= 299 && fiveMinutes.size() <= 301, "5 min of 1 s samples: " + fiveMinutes.size());
        var hour = history.view(LinkHistory.Range.ONE_HOUR).samples();
        assertTrue(hour.size() >= 3599 && hour.size() <= 3601, "1 h of 1 s samples: " + hour.size());
        var all = history.view(LinkHistory.Range.SINCE_START).samples();
        assertEquals(clock.instant().minus(Duration.ofHours(3)), history.view(LinkHistory.Range.SINCE_START).from());
        // Two hours of minute buckets, then the last hour at one second.
        assertTrue(all.size() > hour.size() + 100 && all.size() < hour.size() + 130, "since start: " + all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).at().isAfter(all.get(i - 1).at()), "oldest first, no overlap at " + i);
        }
    }

    @Test
    void aRoundInTheKmsStartsOwnSecondCountsAsSinceStart() {
        SettableClock late = new SettableClock(Instant.parse("2026-12-04T00:00:00.700Z"));
        LinkHistory h = new LinkHistory(late);
        late.advance(Duration.ofMillis(200));
        h.roundCompleted(new RoundReport(1, 1024, 512, 51, 0.01, 0.01, 10, 1.1, 256, 1.0, "NONE", false,
                false, 0, false, Double.NaN), new LinkStatus(LinkColour.GREEN, 0.01, 0, 0, 0, 0, false, 0, 1, 1,
                0.01, 2000, 0, Instant.EPOCH, 256, LinkStatus.NO_REASON, 0));
        assertEquals(1, h.view(LinkHistory.Range.SINCE_START).samples().size());
    }

    @Test
    void aMinuteSampleNeverPrecedesTheRoundsItStandsFor() {
        clock.advance(Duration.ofSeconds(45)); // the KMS starts 45 s into a minute
        round(0.01, 1);
        clock.advance(Duration.ofSeconds(5));
        round(0.01, 2);
        var all = history.view(LinkHistory.Range.FIVE_MINUTES).samples();
        assertEquals(2, all.size(), "only the second samples: " + all);
        assertTrue(!all.getFirst().at().isBefore(clock.instant().minus(Duration.ofSeconds(5))), all.toString());
    }

    @Test
    void breachesResetsEveAndGapsLeaveMarkers() {
        round(0.01, 0);
        history.eveChanged(true, 0.5, "operator@x");
        history.breach(0.25, true, new OperatorAction("operator@x", ""), 3);
        history.linkReset(new OperatorAction("operator@x", ""), null);
        clock.advance(Duration.ofSeconds(40));
        round(0.01, 0);
        List<String> kinds = history.view(LinkHistory.Range.ONE_HOUR).markers().stream()
                .map(m -> m.kind().wire()).toList();
        assertEquals(List.of("start", "eve_on", "forced_attack", "reset", "gap"), kinds);
        for (int i = 0; i < LinkHistory.MARKER_CAPACITY + 10; i++) {
            history.eveChanged(i % 2 == 0, 0.5, "operator@x");
        }
        assertEquals(LinkHistory.MARKER_CAPACITY, history.view(LinkHistory.Range.SINCE_START).markers().size());
    }
}
