package qstcs.kms;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.KeyBits;
import qstcs.kms.etsi014.LinkKeySupply;

/**
 * The link state machine, the key pool and the issued pair keys ({@link PairKeys}), behind one
 * lock so that a key can never be issued after a breach has been decided (the breach and the
 * issue decision are serialised). GREEN/YELLOW follow each round's QBER; RED is latched until {@link #reset}.
 * {@code version} grows on every status change and reset, and long-pollers wait for it.
 */
final class LinkState {
    /** Knobs of the key side of the link. */
    record Limits(long poolCapBits, int messageBudget, Duration keyMaxAge) {
    }

    /** The {@code reason} of a round that added key, or before any round. */
    static final String NO_REASON = LinkStatus.NO_REASON;
    /** The {@code reason} of a round whose key was dropped because the link is RED. */
    static final String LINK_RED = "link_red";

    private final Object lock = new Object();
    private final Limits limits;
    private final java.util.function.LongSupplier nanoTime;
    private final InstantSource clock;
    private final LinkListener listener;
    private final BreachLatch latch;
    private final KeyPool pool;
    private final PairKeys keys = new PairKeys();

    // Guarded by lock.
    private LinkColour status = LinkColour.GREEN;
    private double qber;
    private double lastRoundQber;
    /**
     * Grows on every status change. It starts at the wall clock's milliseconds, not at 1, so that
     * a restarted KMS never answers with a version its previous run used for another status: a
     * client long-polling with the old process's version would otherwise wait on the new one
     * (a restart into a latched RED at the version a GREEN had before).
     */
    private long version;
    private long round;
    private double keyRateBps;
    private final KeyRate keyRate = new KeyRate();
    /**
     * A reset leaves no measured QBER (the reading says 0): the first round after it moves the
     * version too, so long-polling readers (chats, the guard) do not show 0 % until the next
     * colour change.
     */
    private boolean qberUnmeasured;
    private Instant changedAt;
    private boolean eveActive;
    private double eveRate;
    private long keysIssued;
    private long sessions;
    private long attacks;
    /** Breaches since this state began: a reset clears {@code attacks}, never this. */
    private long breachesTotal;
    private long lastRoundKeyBits;
    private String lastRoundReason = NO_REASON;

    /**
     * False while another KMS process on a shared database leads the link: this state then
     * only mirrors the leader's public status ({@link #follow}) and serves no key.
     */
    private volatile boolean leads = true;
    /** The leader's pool size while following it (this process's own pool is empty), else -1. */
    private long followedPoolBits = -1;
    /** The leader's active key count while following it. */
    private long followedActive;

    /** Rebuilt lazily after each change; written only under lock. */
    private volatile LinkStatus cached;
    /** Completed (with the new snapshot) at the next version change. */
    private volatile CompletableFuture<LinkStatus> nextChange = new CompletableFuture<>();

    LinkState(Limits limits, InstantSource clock, LinkListener listener) {
        this(limits, clock, listener, BreachLatch.none());
    }

    /**
     * A link whose RED latch is kept by {@code latch}: a breach latched by an earlier run makes
     * this one start RED, with that breach's QBER, until {@link #reset}.
     */
    LinkState(Limits limits, InstantSource clock, LinkListener listener, BreachLatch latch) {
        this(limits, clock, System::nanoTime, listener, latch);
    }

    /**
     * @param clock    wall time for what people read (changed_at, key creation times)
     * @param nanoTime monotonic time for what decides (a key's age): a clock set back by hours must
     *                 not keep a key in service, nor a clock set forward retire every key at once
     */
    LinkState(Limits limits, InstantSource clock, java.util.function.LongSupplier nanoTime, LinkListener listener,
              BreachLatch latch) {
        this.limits = limits;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.listener = listener;
        this.latch = latch;
        this.pool = new KeyPool(limits.poolCapBits());
        this.changedAt = clock.instant();
        this.version = Math.max(1, clock.millis());
        latch.load().ifPresent(b -> {
            status = LinkColour.RED;
            qber = b.qber();
            attacks = 1;
            breachesTotal = 1;
            changedAt = b.at();
        });
    }

    LinkStatus snapshot() {
        LinkStatus s = cached;
        if (s != null) {
            return s;
        }
        synchronized (lock) {
            return snapshotLocked();
        }
    }

    private LinkStatus snapshotLocked() {
        LinkStatus s = cached;
        if (s == null) {
            boolean following = followedPoolBits >= 0;
            s = new LinkStatus(status, qber, keysIssued, sessions, attacks, following ? followedActive : keys.active(),
                    eveActive, eveRate, version, round, lastRoundQber, keyRateBps,
                    following ? followedPoolBits : pool.bits(), changedAt, lastRoundKeyBits, lastRoundReason,
                    breachesTotal);
            cached = s;
        }
        return s;
    }

    /**
     * Returns at once when the current version differs from {@code knownVersion}, otherwise waits
     * until the next change or the timeout and returns the snapshot of that moment.
     */
    LinkStatus awaitChange(long knownVersion, Duration timeout) throws InterruptedException {
        // The signal must be read BEFORE the snapshot: a change between the two reads then either
        // shows in the snapshot (answer at once) or completes this signal. Read after, a change in
        // between is missed and the poller sleeps until the next change or its timeout (seconds).
        // Both fields are volatile and written under the lock in bumpVersionLocked (cached cleared
        // before the signal is swapped), so this order is enough. LinkStateWakeUpTest guards it.
        CompletableFuture<LinkStatus> next = nextChange;
        LinkStatus now = snapshot();
        if (now.version() != knownVersion) {
            return now;
        }
        try {
            return next.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return snapshot();
        } catch (ExecutionException e) {
            throw new IllegalStateException("link change signal failed", e.getCause());
        }
    }

    /** Long-polls parked in {@link #awaitChange} now: tests wait for one instead of sleeping. */
    int parkedPolls() {
        return nextChange.getNumberOfDependents();
    }

    /** The intercept rate the next background round should use (0 when Eve is off). */
    double eveRateForNextRound() {
        synchronized (lock) {
            return eveActive ? eveRate : 0.0;
        }
    }

    /**
     * Applies a finished round: updates QBER and status and deposits its key bits into the pool
     * (unless RED). The caller still owns {@code keyBits} and destroys it.
     */
    void applyRound(RoundReport report, KeyBits keyBits) {
        applyRound(report, keyBits, OperatorAction.SYSTEM);
    }

    /** As {@link #applyRound(RoundReport, KeyBits)}; {@code by} is whoever ran the round (a forced round's operator). */
    void applyRound(RoundReport report, KeyBits keyBits, OperatorAction by) {
        synchronized (lock) {
            requireLead();
            long now = System.nanoTime();
            if (status == LinkColour.RED) {
                latch.retryUnwritten(); // a breach the disk could not take yet
            }
            round = Math.max(round, report.round());
            boolean measured = Double.isFinite(report.estimatedQber());
            if (measured) {
                lastRoundQber = report.estimatedQber();
            }
            boolean keep = status != LinkColour.RED && !report.breach();
            if (keep && keyBits.length() > 0) {
                pool.deposit(keyBits);
                lastRoundKeyBits = keyBits.length();
                lastRoundReason = NO_REASON;
            } else {
                lastRoundKeyBits = 0;
                lastRoundReason = !report.reason().equals(NO_REASON) ? report.reason()
                        : status == LinkColour.RED ? LINK_RED : NO_REASON;
            }
            // Rounds keep running while RED so the console sees live QBER, but nothing is kept.
            keyRate.roundEnded(now, keep ? report.finalBits() : 0);
            keyRateBps = keep ? keyRate.bitsPerSecond() : 0; // a breaching round shows 0 at once
            cached = null;
            // The round event goes out before any status change it causes, so subscribers see cause then effect.
            listener.roundCompleted(report, snapshotLocked());
            if (status == LinkColour.RED) {
                return;
            }
            if (report.breach()) {
                breachLocked(report.estimatedQber(), report.forced(), by, "QBER " + percent(report.estimatedQber())
                        + " at or above " + percent(LinkColour.RED_QBER) + " in round " + report.round());
            } else if (measured) {
                qber = report.estimatedQber();
                cached = null;
                LinkColour next = LinkColour.forQber(qber);
                if (next != status) {
                    changeStatusLocked(next, "round " + report.round() + " QBER " + percent(qber));
                } else if (qberUnmeasured) {
                    bumpVersionLocked();
                }
                qberUnmeasured = false;
            }
        }
    }

    /**
     * Latches RED with {@code breachQber}; no effect if already RED. {@code by} is the operator who
     * forced it, {@link OperatorAction#SYSTEM} for a measured breach.
     */
    void breach(double breachQber, OperatorAction by, String cause) {
        synchronized (lock) {
            requireLead();
            if (status != LinkColour.RED) {
                breachLocked(breachQber, by != OperatorAction.SYSTEM, by, cause);
            }
        }
    }

    private void breachLocked(double breachQber, boolean forced, OperatorAction by, String cause) {
        // On disk before anyone can see RED: a crash right after must not come back GREEN.
        latch.latch(new BreachLatch.Breach(breachQber, clock.instant(), forced));
        qber = breachQber;
        attacks++;
        breachesTotal++;
        pool.flush();
        int revoked = keys.revokeAll();
        changeStatusLocked(LinkColour.RED, (forced ? "forced attack: " : "breach: ") + cause);
        listener.breach(breachQber, forced, by, revoked);
    }

    private void changeStatusLocked(LinkColour next, String cause) {
        LinkColour before = status;
        status = next;
        changedAt = clock.instant();
        bumpVersionLocked();
        listener.statusChanged(snapshotLocked(), before, cause);
    }

    private void bumpVersionLocked() {
        version++;
        cached = null;
        CompletableFuture<LinkStatus> done = nextChange;
        nextChange = new CompletableFuture<>();
        done.complete(snapshotLocked());
    }

    /**
     * The pair key for {@code device} and {@code peer}: the pair's current key if it is still
     * servable and no rotation is asked for, else a fresh key from the pool.
     */
    KeyRequest request(String device, String peer, boolean rotate) {
        DevicePair pair = DevicePair.of(device, peer);
        requireLead();
        synchronized (lock) {
            if (status == LinkColour.RED) {
                return new KeyRequest.Compromised(qber);
            }
            Instant now = clock.instant();
            long nowNanos = nanoTime.getAsLong();
            PairKey current = keys.current(pair);
            if (current != null && !rotate && current.servable(nowNanos, limits.keyMaxAge())) {
                return grantLocked(current, false);
            }
            Optional<SecretBytes> drawn = pool.draw();
            if (drawn.isEmpty()) {
                return new KeyRequest.PoolEmpty();
            }
            PairKey fresh = new PairKey(UUID.randomUUID(), pair, now, nowNanos, limits.messageBudget(), drawn.get());
            String replaced = keys.install(fresh);
            if ((sessions & 1023) == 1023) {
                // Rotated keys stay readable for late frames, but not forever: after twice the key
                // lifetime no honest frame can still need them, and the registry must not grow without bound.
                keys.forgetRotatedOlderThan(limits.keyMaxAge().multipliedBy(2), nowNanos);
            }
            sessions++;
            KeyRequest.Granted granted = grantLocked(fresh, true);
            listener.keyCreated(granted.key(), device, replaced);
            return granted;
        }
    }

    private KeyRequest.Granted grantLocked(PairKey key, boolean fresh) {
        keysIssued++;
        cached = null;
        listener.keyDelivered();
        return new KeyRequest.Granted(new IssuedKey(key, qber, status, fresh));
    }

    /**
     * ETSI 014 keys: {@code count} keys of {@code sizeBits} (a multiple of 8) each, all or none,
     * never while RED. Each key uses whole pool blocks; the unused rest of its last block is wiped.
     */
    LinkKeySupply.Draw drawKeys(int sizeBits, int count) {
        requireLead();
        int keyBytes = sizeBits / 8;
        int blocks = (keyBytes + KeyLength.BYTES - 1) / KeyLength.BYTES;
        synchronized (lock) {
            if (status == LinkColour.RED) {
                return new LinkKeySupply.LinkRed();
            }
            if (pool.blocks() < (long) blocks * count) {
                return new LinkKeySupply.PoolShort();
            }
            List<SecretBytes> out = new ArrayList<>(count);
            byte[] buf = new byte[blocks * KeyLength.BYTES];
            byte[] key = new byte[keyBytes];
            try {
                for (int i = 0; i < count; i++) {
                    for (int b = 0; b < blocks; b++) {
                        SecretBytes block = pool.draw().orElseThrow();
                        byte[] raw = block.toByteArray();
                        System.arraycopy(raw, 0, buf, b * KeyLength.BYTES, KeyLength.BYTES);
                        java.util.Arrays.fill(raw, (byte) 0);
                        block.destroy();
                    }
                    System.arraycopy(buf, 0, key, 0, keyBytes);
                    out.add(SecretBytes.copyOf(key));
                }
            } finally {
                java.util.Arrays.fill(buf, (byte) 0);
                java.util.Arrays.fill(key, (byte) 0);
            }
            keysIssued += count;
            cached = null;
            listener.keyDelivered();
            return new LinkKeySupply.Drawn(out);
        }
    }

    /** Whether the link is RED now. */
    boolean red() {
        return snapshot().status() == LinkColour.RED;
    }

    /** The pool's capacity in bits. */
    long poolCapBits() {
        return pool.capBits();
    }

    /** A key by id for a member of its pair (active or rotated). */
    IssuedKey lookup(UUID keyId, String device) {
        requireLead();
        synchronized (lock) {
            PairKey k = keys.byId(keyId);
            if (k == null) {
                throw new KeyAccessException(KeyAccessException.Reason.UNKNOWN, "no key with this key_id");
            }
            if (!k.pair().hasMember(device)) {
                throw new KeyAccessException(KeyAccessException.Reason.NOT_A_MEMBER,
                        "device \"" + device + "\" is not a member of this key's pair");
            }
            if (k.state() == PairKey.State.REVOKED) {
                throw new KeyAccessException(KeyAccessException.Reason.REVOKED,
                        "this key was revoked when the link went RED; request a new key after reset");
            }
            return new IssuedKey(k, qber, status, false);
        }
    }

    /**
     * Revokes every key a device could read (its pairs and the broadcast group) after the
     * operator revoked the device: it must not read traffic sealed after its removal. The other
     * members get fresh keys on their next request.
     */
    int revokeDevice(String deviceId) {
        synchronized (lock) {
            int revoked = keys.revokeMember(deviceId);
            cached = null;
            return revoked;
        }
    }

    void setEve(boolean active, double rate, String actor) {
        requireLead();
        synchronized (lock) {
            eveActive = active;
            eveRate = active ? rate : 0.0;
            cached = null;
            listener.eveChanged(eveActive, eveRate, actor);
        }
    }

    /**
     * Eve off; pool, keys and the since-reset counters cleared; GREEN. The cumulative breach
     * count stays, and the audit log keeps the history.
     */
    void reset(String actor) {
        reset(new OperatorAction(actor, ""));
    }

    void reset(OperatorAction by) {
        requireLead();
        synchronized (lock) {
            eveActive = false;
            eveRate = 0;
            pool.flush();
            keys.clear();
            keysIssued = 0;
            sessions = 0;
            attacks = 0;
            keyRateBps = 0;
            keyRate.clear();
            lastRoundKeyBits = 0;
            lastRoundReason = NO_REASON;
            qber = 0;
            qberUnmeasured = true;
            latch.clear();
            status = LinkColour.GREEN;
            changedAt = clock.instant();
            bumpVersionLocked();
            listener.linkReset(by, snapshotLocked());
        }
    }

    /** Answers every parked long-poll now with the current status (the server is stopping). */
    void releasePolls() {
        synchronized (lock) {
            nextChange.complete(snapshotLocked());
        }
    }

    /** Releases long-pollers (server shutdown) and wipes all key material. */
    void close() {
        synchronized (lock) {
            pool.flush();
            keys.clear();
            nextChange.complete(snapshotLocked());
        }
    }

    /** True unless another KMS process leads the link (see {@link #standBy}). */
    boolean leads() {
        return leads;
    }

    /** Throws {@link LinkStandbyException} unless this process leads the link. */
    void requireLead() {
        if (!leads) {
            throw new LinkStandbyException();
        }
    }

    /**
     * Another KMS process leads the link from now on: this one's pool and keys are wiped (the
     * leader's are the only ones), and until {@link #takeOver} it serves only the status it
     * {@link #follow}s.
     */
    void standBy() {
        synchronized (lock) {
            leads = false;
            pool.flush();
            keys.clear();
            keyRateBps = 0;
            cached = null;
        }
    }

    /**
     * Mirrors the leading process's public status (its {@code /link_status} object), so status
     * reads and long-polls here see the same truth; waiters wake when the version moves.
     *
     * @return true when the version changed
     */
    boolean follow(LinkStatus leader) {
        synchronized (lock) {
            if (leads) {
                return false; // this process decides the status itself
            }
            status = leader.status();
            qber = leader.qber();
            keysIssued = leader.totalKeysIssued();
            sessions = leader.totalSessions();
            attacks = leader.attacksDetected();
            breachesTotal = leader.breachesTotal();
            followedActive = leader.activeSessions();
            eveActive = leader.eveActive();
            eveRate = leader.eveRate();
            round = leader.round();
            lastRoundQber = leader.lastRoundQber();
            keyRateBps = leader.keyRateBps();
            followedPoolBits = leader.poolBits();
            lastRoundKeyBits = leader.keyBits();
            lastRoundReason = leader.reason();
            changedAt = leader.changedAt();
            cached = null;
            if (leader.version() == version) {
                return false;
            }
            version = leader.version() - 1;
            bumpVersionLocked();
            return true;
        }
    }

    /**
     * This process leads the link from now on, continuing from the status it last followed: a
     * latched RED stays RED and counters go on, but the pool starts empty and no earlier key
     * exists here (devices ask for new ones). The version moves so that every waiter wakes.
     */
    LinkStatus takeOver() {
        synchronized (lock) {
            leads = true;
            followedPoolBits = -1;
            keyRateBps = 0;
            keyRate.clear();
            changedAt = clock.instant();
            bumpVersionLocked();
            return snapshotLocked();
        }
    }

    static String percent(double q) {
        return String.format(java.util.Locale.ROOT, "%.2f %%", q * 100);
    }
}
