package qstcs.kms;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.KeyBits;
import qstcs.crypto.qkd.LinkRound;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.qkd.RoundConfig;
import qstcs.crypto.qkd.RoundResult;
import qstcs.crypto.qkd.RoundStats;

/**
 * Runs BB84 rounds of the simulated quantum link: in the background every interval, and on
 * demand for a forced attack or an empty pool. Background and refill rounds are serialised by one
 * lock (two refill rounds at once would only waste CPU). A forced attack latches RED before any
 * round and runs its own attack round without that lock: it must not wait behind a round already
 * running (or a refill's several). Running beside another round is safe, since the engine draws
 * each round's randomness under its own lock and {@link LinkState} applies finished rounds one at
 * a time.
 */
final class LinkLoop implements QuantumLink {
    private static final System.Logger LOG = System.getLogger(LinkLoop.class.getName());
    /** Full intercept–resend, as in the original "force attack". */
    static final double FULL_INTERCEPT = 1.0;
    private static final Duration STALL_FLOOR = Duration.ofSeconds(10);
    /** Extra rounds an empty pool may run before the request is answered 503. */
    static final int REFILL_ATTEMPTS = 3;

    private final RoundConfig base;
    private final Duration interval;
    private final LinkState link;
    private final QkdRandom random;
    private final ReentrantLock roundLock = new ReentrantLock();
    private final AtomicLong rounds = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("qkd-link-loop").daemon(true).unstarted(r));
    private volatile boolean started;
    /** System.nanoTime() when the round now running began, or 0 between rounds. */
    private volatile long roundStartedAt;

    /**
     * @param base     qubits, noise and post-processing settings of every round (Eve is set per round)
     * @param interval pause between background rounds
     * @param random   where every round's randomness comes from: {@code QkdRandom.secure()}
     */
    LinkLoop(RoundConfig base, Duration interval, LinkState link, QkdRandom random) {
        this.base = base;
        this.interval = interval;
        this.link = link;
        this.random = random;
    }

    /** The lock background and refill rounds hold (tests hold it to stand for a long round). */
    ReentrantLock roundLock() {
        return roundLock;
    }

    /** Where the rounds' randomness comes from (tests check it is the DRBG). */
    QkdRandom random() {
        return random;
    }

    @Override
    public void start() {
        started = true;
        scheduler.scheduleWithFixedDelay(this::backgroundRound, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void backgroundRound() {
        if (!link.leads()) {
            return; // another KMS process runs the link; this one waits to take over
        }
        try {
            runRound(link.eveRateForNextRound(), null);
        } catch (RuntimeException e) {
            // A failing round must not end the loop: the next one may succeed.
            LOG.log(System.Logger.Level.ERROR, "link round failed: " + e.getClass().getName() + ": " + e.getMessage());
        }
    }

    @Override
    public LinkStatus forceAttack(OperatorAction by) {
        link.requireLead();
        // The attack round runs beside any background round instead of queueing for the round lock
        // (and behind a refill's several), so RED follows the command within one round's time;
        // the round's own measured QBER (≈ 25 %) latches the breach, as everyone then reads it.
        RoundReport r = runRoundUnlocked(FULL_INTERCEPT, by);
        if (!r.breach()) {
            // Only a very small round can stay under the threshold with Eve on every qubit;
            // the operator asked for an attack, so the link is RED regardless.
            link.breach(Math.max(r.estimatedQber(), LinkColour.RED_QBER), by,
                    "forced attack by " + by.actor() + " (round " + r.round() + ")");
        }
        return link.snapshot();
    }

    @Override
    public void refill() {
        long before = rounds.get();
        roundLock.lock();
        try {
            if (rounds.get() != before && hasKey()) {
                return; // a round completed while we waited for the lock and left key material
            }
            // A single round may legitimately yield nothing (e.g. verification failed after
            // reconciliation, about one round in 300), so try a few before giving up.
            for (int i = 0; i < REFILL_ATTEMPTS && !hasKey(); i++) {
                runRoundLocked(link.eveRateForNextRound(), null);
            }
        } finally {
            roundLock.unlock();
        }
    }

    private boolean hasKey() {
        LinkStatus s = link.snapshot();
        return s.poolBits() > 0 || s.status() == LinkColour.RED;
    }

    /** {@code forcedBy}: the operator who forced this round, or null for a round of the loop. */
    private RoundReport runRound(double eveRate, OperatorAction forcedBy) {
        roundLock.lock();
        try {
            return runRoundLocked(eveRate, forcedBy);
        } finally {
            roundLock.unlock();
        }
    }

    private RoundReport runRoundLocked(double eveRate, OperatorAction forcedBy) {
        roundStartedAt = System.nanoTime();
        RoundResult result;
        try {
            result = LinkRound.run(base.withEve(eveRate), random);
        } finally {
            roundStartedAt = 0;
        }
        return apply(result, eveRate, forcedBy);
    }

    /** A round outside the lock (forced attacks); the stall watch follows only the locked ones. */
    private RoundReport runRoundUnlocked(double eveRate, OperatorAction forcedBy) {
        return apply(LinkRound.run(base.withEve(eveRate), random), eveRate, forcedBy);
    }

    /** {@code forcedBy}: the operator who forced this round, or null for a round of the loop. */
    private RoundReport apply(RoundResult result, double eveRate, OperatorAction forcedBy) {
        KeyBits key = result.key();
        try {
            // Numbering continues from the link's round: after taking over from another KMS
            // process, this loop's first round follows the last one that process published.
            long number = rounds.updateAndGet(n -> Math.max(n, link.snapshot().round()) + 1);
            RoundReport report = report(number, result.stats(), eveRate, forcedBy != null);
            link.applyRound(report, key, forcedBy == null ? OperatorAction.SYSTEM : forcedBy);
            return report;
        } finally {
            key.destroy();
        }
    }

    static RoundReport report(long round, RoundStats s, double eveRate, boolean forced) {
        return new RoundReport(round, s.qubits(), s.sifted(), s.sampleSize(), s.estimatedQber(), s.trueQber(),
                s.leakEc(), s.efficiency(), s.finalLength(), s.duration().toNanos() / 1e6, s.abortReason().name(),
                s.breach(), s.eveActive(), eveRate, forced, s.toleratedQber());
    }

    @Override
    public boolean running() {
        return started && !scheduler.isShutdown() && stalledFor().isZero();
    }

    /**
     * How long the current round has run beyond any plausible duration (20 intervals, at least
     * 10 s), or zero. A stalled round means no new key and no live QBER: health reports it.
     */
    @Override
    public Duration stalledFor() {
        long startedAt = roundStartedAt;
        if (startedAt == 0) {
            return Duration.ZERO;
        }
        Duration running = Duration.ofNanos(System.nanoTime() - startedAt);
        Duration limit = interval.multipliedBy(20).compareTo(STALL_FLOOR) > 0 ? interval.multipliedBy(20) : STALL_FLOOR;
        return running.compareTo(limit) > 0 ? running : Duration.ZERO;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
