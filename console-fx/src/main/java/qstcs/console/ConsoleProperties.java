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

    /** Whether the console currently receives the KMS event stream. */
    public enum StreamState { CONNECTING, LIVE, OFFLINE }

    final ReadOnlyObjectWrapper<HttpUrl> kmsUrl = new ReadOnlyObjectWrapper<>(this, "kmsUrl");
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
    private final ReadOnlyStringWrapper routerSignal = new ReadOnlyStringWrapper(this, "routerSignal", "NO SIGNAL");
    private final ReadOnlyStringWrapper routerDetail = new ReadOnlyStringWrapper(this, "routerDetail", "no heartbeat received yet");
    final ReadOnlyObjectWrapper<RelayStats> relayStats = new ReadOnlyObjectWrapper<>(this, "relayStats");
    final ReadOnlyBooleanWrapper relayReachable = new ReadOnlyBooleanWrapper(this, "relayReachable");
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
        stream.addListener((obs, old, now) -> refreshLamp());
        kmsState.addListener((obs, old, now) -> refreshLamp());
    }

    /** Shows a full KMS reading. */
    void show(LinkStatus status) {
        haveStatus = true;
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

    /** Another KMS: nothing of the old one is shown any more. */
    void forgetKms() {
        haveStatus = false;
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
            routerSignal.set("NO SIGNAL");
            routerDetail.set("no heartbeat received yet");
            return;
        }
        long age = Math.max(0, Duration.between(beat.receivedAt(), now).toSeconds());
        boolean stale = Duration.between(beat.receivedAt(), now).compareTo(ROUTER_STALE_AFTER) > 0;
        routerSignal.set(stale ? "NO SIGNAL" : beat.state());
        routerDetail.set(beat.routerId() + " · last heartbeat " + age + " s ago" + (stale ? " (was " + beat.state() + ")" : ""));
    }

    public ReadOnlyObjectProperty<HttpUrl> kmsUrlProperty() { return kmsUrl.getReadOnlyProperty(); }
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
    /** BLOCKING, ALLOWING or NO SIGNAL (no heartbeat within {@link #ROUTER_STALE_AFTER}). */
    public ReadOnlyStringProperty routerSignalProperty() { return routerSignal.getReadOnlyProperty(); }
    public ReadOnlyStringProperty routerDetailProperty() { return routerDetail.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<RelayStats> relayStatsProperty() { return relayStats.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty relayReachableProperty() { return relayReachable.getReadOnlyProperty(); }
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
