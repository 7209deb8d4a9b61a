package qstcs.console;

import java.time.Duration;
import java.time.Instant;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ObservableList;
import okhttp3.HttpUrl;
import qstcs.client.AuditEntry;
import qstcs.client.RelayStats;
import qstcs.crypto.link.LinkStatus;

/**
 * Everything the SOC console shows, as read-only properties for the views, and the few rules that
 * derive one shown value from others (the lamp, the router signal). The feed and the commands
 * write the wrappers; they change on the FX thread only.
 */
abstract sealed class ConsoleProperties permits ConsoleModel {
    /** Three missed router heartbeats (sent every 10 s) mean the guard is silent. */
    static final Duration ROUTER_STALE_AFTER = Duration.ofSeconds(30);
    /** Rounds arrive twice a second; ten seconds without any KMS reading means the values are old. */
    static final Duration KMS_STALE_AFTER = Duration.ofSeconds(10);
    /** The relay is polled every two seconds; three missed polls make its figures old. */
    static final Duration RELAY_STALE_AFTER = Duration.ofSeconds(7);
    /** The router tile's word when no router guard has ever reported: a neutral state, not a warning. */
    static final String NO_ROUTER = "NOT CONFIGURED";
    /** A router guard that reported before and then went quiet. */
    static final String NO_SIGNAL = "NO SIGNAL";

    /** Whether the console currently receives the KMS event stream. */
    public enum StreamState { CONNECTING, LIVE, OFFLINE }

    final ReadOnlyObjectWrapper<HttpUrl> kmsUrl = new ReadOnlyObjectWrapper<>(this, "kmsUrl");
    /** The relay whose {@code /stats} is polled; null when the console watches no relay. */
    final ReadOnlyObjectWrapper<HttpUrl> relayUrl = new ReadOnlyObjectWrapper<>(this, "relayUrl");
    final ReadOnlyObjectWrapper<StreamState> stream = new ReadOnlyObjectWrapper<>(this, "stream", StreamState.CONNECTING);
    final ReadOnlyStringWrapper offlineReason = new ReadOnlyStringWrapper(this, "offlineReason", "connecting to the KMS…");
    private final ReadOnlyObjectWrapper<LinkState> lamp = new ReadOnlyObjectWrapper<>(this, "lamp", LinkState.OFFLINE);
    final ReadOnlyObjectWrapper<LinkState> kmsState = new ReadOnlyObjectWrapper<>(this, "kmsState", LinkState.GREEN);
    final ReadOnlyDoubleWrapper qber = new ReadOnlyDoubleWrapper(this, "qber");
    final ReadOnlyDoubleWrapper lastRoundQber = new ReadOnlyDoubleWrapper(this, "lastRoundQber");
    final ReadOnlyDoubleWrapper keyRateBps = new ReadOnlyDoubleWrapper(this, "keyRateBps");
    final ReadOnlyLongWrapper keysIssued = new ReadOnlyLongWrapper(this, "keysIssued");
    final ReadOnlyLongWrapper attacksDetected = new ReadOnlyLongWrapper(this, "attacksDetected");
    final ReadOnlyLongWrapper activeSessions = new ReadOnlyLongWrapper(this, "activeSessions");
    final ReadOnlyLongWrapper poolBits = new ReadOnlyLongWrapper(this, "poolBits");
    final ReadOnlyLongWrapper round = new ReadOnlyLongWrapper(this, "round");
    final ReadOnlyBooleanWrapper eveActive = new ReadOnlyBooleanWrapper(this, "eveActive");
    final ReadOnlyDoubleWrapper eveRate = new ReadOnlyDoubleWrapper(this, "eveRate");
    final ReadOnlyObjectWrapper<RoundSample> latestRound = new ReadOnlyObjectWrapper<>(this, "latestRound");
    final ReadOnlyObjectWrapper<RouterHeartbeat> routerHeartbeat = new ReadOnlyObjectWrapper<>(this, "routerHeartbeat");
    private final ReadOnlyStringWrapper routerSignal = new ReadOnlyStringWrapper(this, "routerSignal", NO_ROUTER);
    private final ReadOnlyStringWrapper routerDetail = new ReadOnlyStringWrapper(this, "routerDetail",
            "no router guard has reported to this KMS");
    final ReadOnlyObjectWrapper<RelayStats> relayStats = new ReadOnlyObjectWrapper<>(this, "relayStats");
    final ReadOnlyBooleanWrapper relayReachable = new ReadOnlyBooleanWrapper(this, "relayReachable");
    /** Why the last relay poll failed, or empty while it answers (or before the first poll ends). */
    final ReadOnlyStringWrapper relayProblem = new ReadOnlyStringWrapper(this, "relayProblem", "");
    final ReadOnlyObjectWrapper<Instant> relayReceivedAt = new ReadOnlyObjectWrapper<>(this, "relayReceivedAt");
    private final ReadOnlyObjectWrapper<ValueAge> relayAge = new ReadOnlyObjectWrapper<>(this, "relayAge", ValueAge.NEVER);
    /** When the last reading of the link (status or round) arrived from the KMS, or null. */
    final ReadOnlyObjectWrapper<Instant> kmsReceivedAt = new ReadOnlyObjectWrapper<>(this, "kmsReceivedAt");
    private final ReadOnlyObjectWrapper<ValueAge> kmsAge = new ReadOnlyObjectWrapper<>(this, "kmsAge", ValueAge.NEVER);
    /** Bits the latest round added to the pool, and why that was none ({@code key_bits}, {@code reason}). */
    final ReadOnlyLongWrapper lastRoundKeyBits = new ReadOnlyLongWrapper(this, "lastRoundKeyBits", -1);
    final ReadOnlyStringWrapper lastRoundReason = new ReadOnlyStringWrapper(this, "lastRoundReason", LinkStatus.NO_REASON);
    final AuditTimeline audit = new AuditTimeline();
    final AlarmBoard alarms = new AlarmBoard();
    final LinkTrends trends = new LinkTrends();
    final ReadOnlyLongWrapper breachesTotal = new ReadOnlyLongWrapper(this, "breachesTotal");
    /** Counts alarms raised while the console watched: the window asks for attention on each. */
    final ReadOnlyLongWrapper alarmsRaised = new ReadOnlyLongWrapper(this, "alarmsRaised");
    final ReadOnlyBooleanWrapper forceAttackRunning = new ReadOnlyBooleanWrapper(this, "forceAttackRunning");
    final ReadOnlyBooleanWrapper resetRunning = new ReadOnlyBooleanWrapper(this, "resetRunning");
    final ReadOnlyBooleanWrapper eveRunning = new ReadOnlyBooleanWrapper(this, "eveRunning");
    final ReadOnlyObjectWrapper<OperatorNotice> notice = new ReadOnlyObjectWrapper<>(this, "notice");
    /** A full status reading has arrived from the current KMS (the lamp shows nothing before). */
    private boolean haveStatus;

    ConsoleProperties() {
        stream.addListener((obs, old, now) -> {
            refreshLamp();
            refreshAges(Instant.now());
        });
        kmsState.addListener((obs, old, now) -> refreshLamp());
    }

    /** Shows a full KMS reading. */
    void show(LinkStatus status) {
        haveStatus = true;
        kmsReceived(Instant.now());
        lastRoundKeyBits.set(status.keyBits());
        lastRoundReason.set(status.reason());
        kmsState.set(LinkState.of(status.status()));
        qber.set(status.qber());
        lastRoundQber.set(status.lastRoundQber());
        keysIssued.set(status.totalKeysIssued());
        attacksDetected.set(status.attacksDetected());
        breachesTotal.set(status.breachesTotal());
        activeSessions.set(status.activeSessions());
        poolBits.set(status.poolBits());
        keyRateBps.set(status.keyRateBps());
        round.set(status.round());
        eveRate.set(status.eveRate());
        eveActive.set(status.eveActive());
        refreshLamp();
    }

    boolean haveStatus() {
        return haveStatus;
    }

    /** A reading of the link arrived from the KMS at {@code at}. */
    void kmsReceived(Instant at) {
        kmsReceivedAt.set(at);
        refreshAges(at);
    }

    /** The relay answered {@code /stats} at {@code at}. */
    void relayAnswered(RelayStats stats, Instant at) {
        relayStats.set(stats);
        relayReachable.set(true);
        relayProblem.set("");
        relayReceivedAt.set(at);
        refreshAges(at);
    }

    /** A relay poll failed; the figures it gave before stay, greyed, with their time. */
    void relayFailed(String problem, Instant at) {
        relayReachable.set(false);
        relayProblem.set(problem);
        refreshAges(at);
    }

    /** Re-reads the age of every shown value at {@code now} (called each second and on every change). */
    void refreshAges(Instant now) {
        kmsAge.set(ValueAge.of(haveStatus ? kmsReceivedAt.get() : null, stream.get() == StreamState.LIVE, now, KMS_STALE_AFTER));
        relayAge.set(ValueAge.of(relayReceivedAt.get(), relayReachable.get(), now, RELAY_STALE_AFTER));
    }

    /** Another KMS: nothing of the old one is shown any more. */
    void forgetKms() {
        haveStatus = false;
        kmsReceivedAt.set(null);
        lastRoundKeyBits.set(-1);
        audit.clear();
        alarms.clear();
        trends.clear();
        refreshLamp();
    }

    private void refreshLamp() {
        lamp.set(stream.get() == StreamState.LIVE && haveStatus ? kmsState.get() : LinkState.OFFLINE);
    }

    /** Re-reads the router signal at {@code now}: a heartbeat older than {@link #ROUTER_STALE_AFTER} is no signal. */
    void refreshRouterSignal(Instant now) {
        RouterHeartbeat beat = routerHeartbeat.get();
        if (beat == null) {
            routerSignal.set(NO_ROUTER);
            routerDetail.set("no router guard has reported to this KMS");
            return;
        }
        long age = Math.max(0, Duration.between(beat.receivedAt(), now).toSeconds());
        boolean stale = Duration.between(beat.receivedAt(), now).compareTo(ROUTER_STALE_AFTER) > 0;
        routerSignal.set(stale ? NO_SIGNAL : beat.state());
        routerDetail.set(beat.routerId() + (stale ? " · " + ValueAge.lastUpdate(beat.receivedAt(), java.time.ZoneId.systemDefault())
                + " (was " + beat.state() + ")" : " · last heartbeat " + age + " s ago"));
    }

    public ReadOnlyObjectProperty<HttpUrl> kmsUrlProperty() { return kmsUrl.getReadOnlyProperty(); }
    /** The relay the console polls, or null when none is configured. */
    public ReadOnlyObjectProperty<HttpUrl> relayUrlProperty() { return relayUrl.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<StreamState> streamProperty() { return stream.getReadOnlyProperty(); }
    public ReadOnlyStringProperty offlineReasonProperty() { return offlineReason.getReadOnlyProperty(); }
    /** What the link lamp shows: the KMS state while live, OFFLINE otherwise. */
    public ReadOnlyObjectProperty<LinkState> lampProperty() { return lamp.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<LinkState> kmsStateProperty() { return kmsState.getReadOnlyProperty(); }
    /** The QBER the gauge shows (fraction); while RED is latched, the breach round's value. */
    public ReadOnlyDoubleProperty qberProperty() { return qber.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty lastRoundQberProperty() { return lastRoundQber.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty keyRateBpsProperty() { return keyRateBps.getReadOnlyProperty(); }
    public ReadOnlyLongProperty keysIssuedProperty() { return keysIssued.getReadOnlyProperty(); }
    public ReadOnlyLongProperty attacksDetectedProperty() { return attacksDetected.getReadOnlyProperty(); }
    public ReadOnlyLongProperty activeSessionsProperty() { return activeSessions.getReadOnlyProperty(); }
    public ReadOnlyLongProperty poolBitsProperty() { return poolBits.getReadOnlyProperty(); }
    public ReadOnlyLongProperty roundProperty() { return round.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty eveActiveProperty() { return eveActive.getReadOnlyProperty(); }
    /** The eavesdropper's intercept rate as the KMS reports it (0 when off). */
    public ReadOnlyDoubleProperty eveRateProperty() { return eveRate.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RoundSample> latestRoundProperty() { return latestRound.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RouterHeartbeat> routerHeartbeatProperty() { return routerHeartbeat.getReadOnlyProperty(); }
    /** BLOCKING, ALLOWING, NO SIGNAL (no heartbeat within {@link #ROUTER_STALE_AFTER}) or {@link #NO_ROUTER}. */
    public ReadOnlyStringProperty routerSignalProperty() { return routerSignal.getReadOnlyProperty(); }
    public ReadOnlyStringProperty routerDetailProperty() { return routerDetail.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RelayStats> relayStatsProperty() { return relayStats.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty relayReachableProperty() { return relayReachable.getReadOnlyProperty(); }
    public ReadOnlyStringProperty relayProblemProperty() { return relayProblem.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Instant> relayReceivedAtProperty() { return relayReceivedAt.getReadOnlyProperty(); }
    /** Whether the relay figures were never received, are current, or are old. */
    public ReadOnlyObjectProperty<ValueAge> relayAgeProperty() { return relayAge.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Instant> kmsReceivedAtProperty() { return kmsReceivedAt.getReadOnlyProperty(); }
    /** Whether the link values (QBER, counters, pool) were never received, are current, or are old. */
    public ReadOnlyObjectProperty<ValueAge> kmsAgeProperty() { return kmsAge.getReadOnlyProperty(); }
    /** Bits the latest round added to the pool; -1 before any reading. */
    public ReadOnlyLongProperty lastRoundKeyBitsProperty() { return lastRoundKeyBits.getReadOnlyProperty(); }
    /** Why the latest round added no key ({@code finite_key}, {@code link_red}, …) or {@code none}. */
    public ReadOnlyStringProperty lastRoundReasonProperty() { return lastRoundReason.getReadOnlyProperty(); }
    /** Breaches since the KMS state began; a reset does not clear it. */
    public ReadOnlyLongProperty breachesTotalProperty() { return breachesTotal.getReadOnlyProperty(); }

    /** Grows by one for each alarm raised while the console is open. */
    public ReadOnlyLongProperty alarmsRaisedProperty() { return alarmsRaised.getReadOnlyProperty(); }

    /** The audit log, newest first. */
    public ObservableList<AuditEntry> auditEntries() { return audit.entries(); }
    public ReadOnlyBooleanProperty forceAttackRunningProperty() { return forceAttackRunning.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty resetRunningProperty() { return resetRunning.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty eveRunningProperty() { return eveRunning.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<OperatorNotice> noticeProperty() { return notice.getReadOnlyProperty(); }
}
