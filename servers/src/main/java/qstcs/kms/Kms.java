package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

import io.helidon.metrics.api.MeterRegistry;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.QkdRandom;
import qstcs.crypto.qkd.RoundConfig;
import qstcs.kms.etsi014.Etsi014Kme;
import qstcs.kms.etsi014.Etsi014Limits;
import qstcs.kms.etsi014.Etsi014Service;
import qstcs.kms.etsi014.SaeCertificateService;
import qstcs.kms.identity.AccessPolicy;
import qstcs.server.pki.LocalCa;
import qstcs.kms.identity.IdentityService;
import qstcs.kms.identity.KmsIdentity;
import qstcs.kms.identity.SecurityAudit;
import qstcs.kms.identity.TokenAccess;
import qstcs.kms.store.AdvisoryLockLeadership;
import qstcs.kms.store.LinkLeadership;
import qstcs.kms.store.PostgresDatabase;
import qstcs.kms.store.PostgresUrl;
import qstcs.kms.store.SqliteDatabase;

/**
 * One KMS instance with all its collaborators, wired once: the link state, the BB84 loop, the
 * audit log, the event hub, router heartbeats, metrics and the access policy. Tests create one
 * per server on a temporary home; {@link #close()} stops the loop and closes the database.
 */
final class Kms implements AutoCloseable {
    private final KmsSettings settings;
    private final AuditLog audit;
    private final EventHub events;
    private final LinkState link;
    private final QuantumLink quantumLink;
    private final RouterRegistry routers;
    private final KmsMetrics metrics;
    private final AccessPolicy access;
    private final KmsIdentity identity;
    private final Etsi014Kme etsi;
    private final Optional<PostgresDatabase> sharedDb;
    private final LinkLeadership leadership;
    private final Optional<SharedLink> sharedLink;
    private final LinkHistory history;
    private final AlarmBook alarms;
    private final MonitoringStore board;
    private final SaeCertificateService saeCertificates;

    private Kms(KmsSettings settings, AuditLog audit, EventHub events, LinkState link, QuantumLink quantumLink,
                RouterRegistry routers, KmsMetrics metrics, AccessPolicy access, KmsIdentity identity, Etsi014Kme etsi,
                Optional<PostgresDatabase> sharedDb, LinkLeadership leadership, Optional<SharedLink> sharedLink,
                LinkHistory history, AlarmBook alarms, MonitoringStore board, InstantSource clock) {
        this.history = history;
        this.board = board;
        this.alarms = alarms;
        this.saeCertificates = new SaeCertificateService(settings.home().directory("kms"), clock, audit::append);
        this.etsi = etsi;
        this.identity = identity;
        this.sharedDb = sharedDb;
        this.leadership = leadership;
        this.sharedLink = sharedLink;
        this.settings = settings;
        this.audit = audit;
        this.events = events;
        this.link = link;
        this.quantumLink = quantumLink;
        this.routers = routers;
        this.metrics = metrics;
        this.access = access;
    }

    /**
     * Opens the audit log under {@code <home>/kms/} (or in the {@code --db} database) and builds
     * everything; the link loop is not started yet ({@link #start()}), so a server can be bound
     * first. The link's rounds are always keyed from a {@code SecureRandom} DRBG
     * ({@link QkdRandom#secure()}): no caller can hand a KMS a predictable generator.
     */
    static Kms open(KmsSettings settings, InstantSource clock) {
        Path dir = settings.home().directory("kms");
        EventHub events = new EventHub();
        Optional<PostgresDatabase> sharedDb = settings.db().map(Kms::openDatabase);
        try {
            PostgresUrl.record(dir, settings.db());
        } catch (IOException e) {
            sharedDb.ifPresent(PostgresDatabase::close);
            throw new UncheckedIOException("cannot record the database in " + dir + ": " + e.getMessage(), e);
        }
        java.util.function.Consumer<AuditLog.Entry> onAudit = e -> events.publish("audit", KmsJson.audit(e));
        AuditLog audit;
        MonitoringStore board;
        if (sharedDb.isPresent()) {
            audit = new AuditLog(sharedDb.get(), false, clock, onAudit);
            board = new MonitoringStore(sharedDb.get(), clock);
        } else {
            // One embedded file for the audit log and the board's alarms and history; the audit log closes it.
            Path file = dir.resolve("audit.db");
            SqliteDatabase db;
            try {
                db = SqliteDatabase.open(file, java.util.stream.Stream.concat(AuditLog.SQLITE_SCHEMA.stream(),
                        MonitoringStore.SQLITE_SCHEMA.stream()).toList());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot open the audit database " + file + ": " + e.getMessage(), e);
            }
            audit = new AuditLog(db, true, clock, onAudit);
            board = new MonitoringStore(db, clock);
        }
        KmsMetrics metrics = new KmsMetrics(MeterRegistry.create());
        Etsi014Kme etsi;
        try {
            etsi = new Etsi014Kme(Etsi014Limits.defaults(settings.kmeId()),
                    LocalCa.loadOrCreate(dir, clock).certificate(), dir, clock, audit::append);
        } catch (IOException e) {
            board.close();
            audit.close();
            sharedDb.ifPresent(PostgresDatabase::close);
            throw new UncheckedIOException("cannot load or create the local CA in " + dir + ": " + e.getMessage(), e);
        }
        LinkListener etsiKeys = new LinkListener() {
            @Override
            public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
                etsi.linkBroken();
            }

            @Override
            public void linkReset(OperatorAction by, LinkStatus now) {
                etsi.linkBroken();
            }
        };
        SharedLink.Changes changes = new SharedLink.Changes();
        LinkHistory history = new LinkHistory(clock, board);
        AlarmBook alarms = new AlarmBook(clock, audit, events, board);
        LinkState link = new LinkState(
                new LinkState.Limits(settings.poolCapBits(), settings.messageBudget(), settings.keyMaxAge()),
                clock, sharedDb.isPresent()
                        ? LinkListener.all(metrics, new LinkEvents(events, audit), etsiKeys, history, alarms, changes)
                        : LinkListener.all(metrics, new LinkEvents(events, audit), etsiKeys, history, alarms),
                BreachLatch.at(dir.resolve("breach.latch")));
        Optional<SharedLink> sharedLink = sharedDb.map(db -> new SharedLink(settings.instance(), db, link, changes, audit,
                events, clock));
        LinkLeadership leadership = sharedDb.<LinkLeadership>map(AdvisoryLockLeadership::new).orElseGet(LinkLeadership::sole);
        metrics.watch(link::snapshot);
        RoundConfig round = RoundConfig.defaults()
                .withQubits(settings.qubits())
                .withNoise(settings.noise())
                .withSampleFraction(settings.sampleFraction())
                .withCascade(settings.cascade());
        LinkLoop loop = new LinkLoop(round, settings.roundInterval(), link, QkdRandom.secure());
        RouterRegistry routers = new RouterRegistry(events, audit, clock);
        SecurityAudit securityAudit = audit::append;
        KmsIdentity identity;
        try {
            identity = KmsIdentity.open(settings.home(), settings.identity(), clock, securityAudit,
                    sharedDb.map(db -> db));
        } catch (IOException e) {
            board.close();
            audit.close();
            sharedDb.ifPresent(PostgresDatabase::close);
            throw new UncheckedIOException("cannot load or create the KMS identity state in " + dir + ": "
                    + e.getMessage(), e);
        }
        AccessPolicy access = new TokenAccess(identity.authenticator(), securityAudit, settings.tlsPort());
        Kms kms = new Kms(settings, audit, events, link, loop, routers, metrics, access, identity, etsi, sharedDb, leadership,
                sharedLink, history, alarms, board, clock);
        identity.followOtherProcesses(kms::revokeKeysOf);
        return kms;
    }

    private static PostgresDatabase openDatabase(PostgresUrl url) {
        try {
            return PostgresDatabase.open(url);
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot use the database " + url + ": " + e.getMessage()
                    + (PostgresUrl.password().isEmpty() ? " (PGPASSWORD is not set)" : ""), e));
        }
    }

    void start() {
        audit.append("server_started", LinkEvents.SYSTEM, "KMS " + settings.instance() + " started; "
                + settings.qubits() + " qubits per round every " + settings.roundInterval().toMillis() + " ms, noise "
                + settings.noise() + sharedDb.map(db -> "; state in " + db.describe() + ", shared").orElse(""));
        LinkStatus now = link.snapshot();
        if (now.status() == LinkColour.RED) {
            audit.append("breach_latched", LinkEvents.SYSTEM, "link RED since " + now.changedAt() + " (QBER "
                    + LinkState.percent(now.qber()) + ") latched before this start; no key is issued until an operator reset");
            // The breach's own alarm, kept from before the restart, may still be waiting: one is enough.
            // On a shared database the breach's alarm is in the one shared list, acknowledged or
            // not, and this process joining a running service is no news to the operator.
            Instant breachAt = now.changedAt().minusSeconds(1);
            if (sharedDb.isPresent() ? !alarms.anySince(breachAt) : !alarms.openSince(breachAt)) {
                alarms.raise("breach_latched", now.qber(), "link RED since " + now.changedAt()
                        + ", latched before this start");
            }
        }
        alarms.followOtherProcesses();
        sharedLink.ifPresent(SharedLink::start);
        quantumLink.start();
        leadership.start(sharedLink.map(this::withBoard).orElse(new LinkLeadership.Transitions() {
            @Override
            public void lead() {
                // the lone KMS leads from the start
            }

            @Override
            public void standBy() {
                // a lone KMS never stands by
            }
        }));
    }

    /**
     * On a shared database the operator's board goes with the lead: a process taking it reads the
     * alarms and the history back from the database before its first round; one standing by
     * answers from what the leader stores.
     */
    private LinkLeadership.Transitions withBoard(SharedLink link) {
        return new LinkLeadership.Transitions() {
            @Override
            public void lead() {
                history.lead();
                alarms.reload();
                link.lead();
            }

            @Override
            public void standBy() {
                link.standBy();
                history.standBy();
            }
        };
    }

    /** Whether this process runs the quantum link (always, unless it shares a database with others). */
    boolean leadsLink() {
        return leadership.leads();
    }

    /** The link's recent history for the operator's charts. */
    LinkHistory history() {
        return history;
    }

    /** Breach alarms waiting for, or holding, an operator's acknowledgement. */
    AlarmBook alarms() {
        return alarms;
    }

    KmsSettings settings() {
        return settings;
    }

    AuditLog audit() {
        return audit;
    }

    EventHub events() {
        return events;
    }

    LinkState link() {
        return link;
    }

    QuantumLink quantumLink() {
        return quantumLink;
    }

    RouterRegistry routers() {
        return routers;
    }

    KmsMetrics metrics() {
        return metrics;
    }

    AccessPolicy access() {
        return access;
    }

    /** CA, TLS certificate, tokens, device registry and the identity routes. */
    KmsIdentity identity() {
        return identity;
    }

    /** The ETSI GS QKD 014 routes, drawing from this KMS's pool. */
    Etsi014Service etsi014Service() {
        return etsi.service(new PoolKeySupply(link, quantumLink), settings.maxBodyBytes());
    }

    /** The operator's SAE certificate routes (issue, list, revoke). */
    SaeCertificateService saeCertificates() {
        return saeCertificates;
    }

    /** The identity routes, wired so that revoking a device also revokes every key it could read. */
    IdentityService identityService() {
        return identity.service(this::revokeKeysOf);
    }

    /** After a device's revocation (here or by another KMS process): every key it could read goes. */
    private void revokeKeysOf(String device) {
        if (!link.leads()) {
            return; // keys live only in the leader, which hears of the revocation too
        }
        int keys = link.revokeDevice(device);
        audit.append("keys_revoked", LinkEvents.SYSTEM, keys + " key(s) readable by revoked device " + device
                + " revoked; its peers get fresh keys");
    }

    /**
     * Answers every parked {@code /link_status} long-poll with the current status and ends every
     * {@code /events} stream, so that no request is still running when the listeners stop.
     */
    void releaseClients() {
        events.closeAll();
        link.releasePolls();
    }

    @Override
    public void close() {
        leadership.close(); // a standby may take over at once
        sharedLink.ifPresent(SharedLink::close);
        quantumLink.close();
        events.closeAll();
        link.close();
        audit.append("server_stopped", LinkEvents.SYSTEM, "KMS " + settings.instance() + " stopped");
        alarms.close();
        board.close(); // before the audit log, which closes the embedded file they share
        audit.close();
        identity.close();
        sharedDb.ifPresent(PostgresDatabase::close);
    }
}
