package qstcs.kms;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import qstcs.crypto.qkd.KeyBits;
import qstcs.testing.Await;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state machine and key bookkeeping without HTTP, fed with round reports as the loop would. */
class LinkStateTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> events = new ArrayList<>();
    /** Monotonic time, moved by hand apart from the wall clock {@link #now}. */
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(123_456_789L);
    private final LinkState link = new LinkState(new LinkState.Limits(256 * 8, 100, Duration.ofMinutes(10)),
            now::get, nanos::get, recorder(), BreachLatch.none());
    private long round;

    private LinkListener recorder() {
        return new LinkListener() {
            @Override
            public void roundCompleted(RoundReport r, LinkStatus after) {
                events.add("round " + r.round());
            }

            @Override
            public void statusChanged(LinkStatus s, LinkColour before, String cause) {
                events.add("status " + before + "->" + s.status());
            }

            @Override
            public void keyCreated(IssuedKey key, String requester, String replaced) {
                events.add("key " + (replaced == null ? "issued" : "rotated"));
            }
        };
    }

    /** A round with this QBER yielding {@code keys} whole 256-bit keys (distinct bytes each time). */
    private void round(double qber, int keys) {
        round++;
        byte[] bits = new byte[keys * 32];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (byte) (i * 31 + round * 7);
        }
        boolean breach = qber >= LinkColour.RED_QBER;
        link.applyRound(new RoundReport(round, 1024, 512, 51, qber, qber, 10, 1.1, bits.length * 8, 1.0,
                breach ? "QBER_ABOVE_THRESHOLD" : "NONE", breach, false, 0, false, Double.NaN), KeyBits.fromBytes(bits, bits.length * 8));
    }

    private IssuedKey grant(String a, String b, boolean rotate) {
        return assertInstanceOf(KeyRequest.Granted.class, link.request(a, b, rotate)).key();
    }

    @Test
    void statusFollowsQberAndRedIsLatched() {
        assertEquals(LinkColour.GREEN, link.snapshot().status());
        long v = link.snapshot().version();
        round(0.01, 1);
        assertEquals(v, link.snapshot().version(), "no status change, no new version");
        round(0.07, 1);
        assertEquals(LinkColour.YELLOW, link.snapshot().status());
        assertEquals(v + 1, link.snapshot().version());
        round(0.02, 1);
        assertEquals(LinkColour.GREEN, link.snapshot().status());
        round(0.25, 1);
        LinkStatus red = link.snapshot();
        assertEquals(LinkColour.RED, red.status());
        assertEquals(0.25, red.qber());
        assertEquals(1, red.attacksDetected());
        assertEquals(0, red.poolBits(), "pool flushed on breach");
        round(0.01, 4);
        LinkStatus still = link.snapshot();
        assertEquals(LinkColour.RED, still.status(), "latched");
        assertEquals(0.25, still.qber(), "qber holds the breach value");
        assertEquals(0.01, still.lastRoundQber(), "last_round_qber is live");
        assertEquals(0, still.poolBits(), "no key kept while RED");
        assertEquals(red.version(), still.version());
        assertEquals(List.of("round 1", "round 2", "status GREEN->YELLOW", "round 3", "status YELLOW->GREEN",
                "round 4", "status GREEN->RED", "round 5"), events);
        link.reset("test");
        assertEquals(LinkColour.GREEN, link.snapshot().status());
        assertEquals(0, link.snapshot().attacksDetected());
        assertEquals(red.version() + 1, link.snapshot().version());
    }

    @Test
    void theCumulativeBreachCountSurvivesReset() {
        round(0.25, 1);
        assertEquals(1, link.snapshot().breachesTotal());
        link.reset("test");
        assertEquals(0, link.snapshot().attacksDetected(), "the since-reset count is cleared");
        assertEquals(1, link.snapshot().breachesTotal(), "the cumulative count is not");
        link.breach(0.3, new OperatorAction("test", ""), "forced");
        assertEquals(1, link.snapshot().attacksDetected());
        assertEquals(2, link.snapshot().breachesTotal());
    }

    /** A device rotating in a loop leaves its pair the current key and the last few rotated ones. */
    @Test
    void aPairKeepsOnlyItsLastRotatedKeys() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            round(0.01, 1);
            ids.add(grant("Alpha", "Bravo", true).keyId());
        }
        int kept = PairKeys.ROTATED_PER_PAIR + 1;
        for (int i = 0; i < ids.size(); i++) {
            UUID id = UUID.fromString(ids.get(i));
            if (i >= ids.size() - kept) {
                assertEquals(ids.get(i), link.lookup(id, "Bravo").keyId(), "kept: key " + i);
            } else {
                assertEquals(KeyAccessException.Reason.UNKNOWN,
                        assertThrows(KeyAccessException.class, () -> link.lookup(id, "Bravo")).reason(), "key " + i);
            }
        }
    }

    @Test
    void pairMembersShareOneKeyAndOthersCannotReadIt() {
        round(0.01, 4);
        IssuedKey a = grant("Alpha", "Bravo", false);
        IssuedKey b = grant("Bravo", "Alpha", false);
        assertEquals(a.keyId(), b.keyId());
        assertTrue(a.sameKeyAs(b));
        assertTrue(a.fresh());
        assertFalse(b.fresh());
        IssuedKey other = grant("Alpha", "Charlie", false);
        assertFalse(a.sameKeyAs(other));
        UUID id = UUID.fromString(a.keyId());
        assertTrue(a.sameKeyAs(link.lookup(id, "Bravo")));
        var e = assertThrows(KeyAccessException.class, () -> link.lookup(id, "Charlie"));
        assertEquals(KeyAccessException.Reason.NOT_A_MEMBER, e.reason());
        assertEquals(KeyAccessException.Reason.UNKNOWN,
                assertThrows(KeyAccessException.class, () -> link.lookup(UUID.randomUUID(), "Alpha")).reason());
        LinkStatus s = link.snapshot();
        assertEquals(3, s.totalKeysIssued());
        assertEquals(2, s.totalSessions());
        assertEquals(2, s.activeSessions());
        assertEquals(2 * 256, s.poolBits());
        assertFalse(a.toString().contains(a.key().toHex()));
    }

    @Test
    void rotationKeepsTheOldKeyReadableAndExpiryRotatesByItself() {
        round(0.01, 4);
        IssuedKey first = grant("Alpha", "Bravo", false);
        IssuedKey second = grant("Bravo", "Alpha", true);
        assertNotEquals(first.keyId(), second.keyId());
        assertEquals(second.keyId(), grant("Alpha", "Bravo", false).keyId(), "the rotated-to key is the pair's key now");
        IssuedKey old = link.lookup(UUID.fromString(first.keyId()), "Alpha");
        assertEquals(PairKey.State.ROTATED, old.state());
        assertTrue(first.sameKeyAs(old));
        assertEquals(1, link.snapshot().activeSessions());
        elapse(Duration.ofMinutes(11));
        assertNotEquals(second.keyId(), grant("Alpha", "Bravo", false).keyId(), "expired keys are replaced");
    }

    private void elapse(Duration d) {
        now.set(now.get().plus(d));
        nanos.addAndGet(d.toNanos());
    }

    /**
     * A KMS killed right after latching a breach, before any client saw the change: the next
     * process starts RED, and must not answer a client that long-polls with the version the GREEN
     * had ({@code ?version=V} waits while the version is V), or that client keeps acting on GREEN.
     */
    @Test
    void aRestartedLinkNeverReusesAVersionOfTheRunBefore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        BreachLatch latch = BreachLatch.at(dir.resolve("breach.latch"));
        LinkState before = new LinkState(new LinkState.Limits(256 * 8, 100, Duration.ofMinutes(10)), now::get, nanos::get,
                recorder(), latch);
        long greenSeenByClients = before.snapshot().version();
        before.breach(0.25, OperatorAction.SYSTEM, "QBER above the threshold");
        long lastBefore = before.snapshot().version();
        elapse(Duration.ofSeconds(3)); // the restart
        LinkState after = new LinkState(new LinkState.Limits(256 * 8, 100, Duration.ofMinutes(10)), now::get, nanos::get,
                recorder(), latch);
        assertEquals(LinkColour.RED, after.snapshot().status());
        assertNotEquals(greenSeenByClients, after.snapshot().version());
        assertTrue(after.snapshot().version() > lastBefore, "versions keep growing across the restart");
    }

    /** A key's age is monotonic time: the wall clock set back or forward by hours changes nothing. */
    @Test
    void wallClockJumpsNeitherKeepNorRetireKeys() {
        round(0.01, 4);
        IssuedKey first = grant("Alpha", "Bravo", false);
        now.set(now.get().minus(Duration.ofHours(5))); // the clock is set back
        nanos.addAndGet(Duration.ofMinutes(11).toNanos()); // while the key's lifetime (10 min) passes
        IssuedKey second = grant("Alpha", "Bravo", false);
        assertNotEquals(first.keyId(), second.keyId(), "a clock set back does not keep an expired key in service");
        now.set(now.get().plus(Duration.ofHours(7))); // the clock jumps forward
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertEquals(second.keyId(), grant("Bravo", "Alpha", false).keyId(), "a clock set forward does not retire a young key");
    }

    @Test
    void breachRevokesEveryKeyAndEmptyPoolIsReported() {
        assertInstanceOf(KeyRequest.PoolEmpty.class, link.request("Alpha", "Bravo", false));
        round(0.01, 2);
        IssuedKey k = grant("Alpha", "Bravo", false);
        link.breach(0.3, new OperatorAction("test", ""), "test");
        assertEquals(0.3, assertInstanceOf(KeyRequest.Compromised.class, link.request("Alpha", "Bravo", false)).qber());
        assertEquals(KeyAccessException.Reason.REVOKED, assertThrows(KeyAccessException.class,
                () -> link.lookup(UUID.fromString(k.keyId()), "Alpha")).reason());
        assertEquals(0, link.snapshot().activeSessions());
        link.reset("test");
        assertEquals(KeyAccessException.Reason.UNKNOWN, assertThrows(KeyAccessException.class,
                () -> link.lookup(UUID.fromString(k.keyId()), "Alpha")).reason());
    }

    @Test
    void poolIsCappedAndKeepsTheFreshestKeys() {
        round(0.01, 20); // cap is 8 keys
        assertEquals(8 * 256, link.snapshot().poolBits());
    }

    @Test
    void awaitChangeAnswersAtOnceForAStaleVersionAndWakesOnChange() throws Exception {
        long v = link.snapshot().version();
        assertEquals(v, link.awaitChange(v - 1, Duration.ofSeconds(30)).version());
        Thread waker = Thread.ofVirtual().start(() -> {
            Await.until("the poll is parked", () -> link.parkedPolls() > 0);
            link.breach(0.2, new OperatorAction("test", ""), "test");
        });
        LinkStatus after = link.awaitChange(v, Duration.ofSeconds(30));
        assertEquals(LinkColour.RED, after.status());
        assertEquals(v + 1, after.version());
        waker.join();
        assertEquals(v + 1, link.awaitChange(v + 1, Duration.ofMillis(50)).version(), "timeout returns the current state");
    }

    @Test
    void theFirstMeasuredRoundAfterAResetWakesLongPolls() throws Exception {
        round(0.25, 1);
        link.reset("test");
        long v = link.snapshot().version();
        assertEquals(0.0, link.snapshot().qber(), "a reset has no measurement yet");
        round(0.012, 1);
        LinkStatus after = link.awaitChange(v, Duration.ofMillis(50));
        assertEquals(v + 1, after.version(), "readers learn the first measured QBER");
        assertEquals(0.012, after.qber(), 1e-9);
        round(0.013, 1);
        assertEquals(v + 1, link.snapshot().version(), "later rounds of the same colour do not move it");
    }
}
