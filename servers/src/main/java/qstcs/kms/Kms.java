package qstcs.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.random.RandomGenerator;

import io.helidon.metrics.api.MeterRegistry;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.crypto.qkd.RoundConfig;
import qstcs.kms.identity.AccessPolicy;
import qstcs.kms.identity.IdentityService;
import qstcs.kms.identity.KmsIdentity;
import qstcs.kms.identity.SecurityAudit;
import qstcs.kms.identity.TokenAccess;

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

    private Kms(KmsSettings settings, AuditLog audit, EventHub events, LinkState link, QuantumLink quantumLink,
                RouterRegistry routers, KmsMetrics metrics, AccessPolicy access, KmsIdentity identity) {
        this.identity = identity;
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
     * Opens the audit log under {@code <home>/kms/} and builds everything; the link loop is not
     * started yet ({@link #start()}), so a server can be bound first.
     */
    static Kms open(KmsSettings settings, InstantSource clock, RandomGenerator rng) {
        Path dir = settings.home().directory("kms");
        EventHub events = new EventHub();
        AuditLog audit = new AuditLog(dir.resolve("audit.db"), clock, e -> events.publish("audit", KmsJson.audit(e)));
        KmsMetrics metrics = new KmsMetrics(MeterRegistry.create());
        LinkState link = new LinkState(
                new LinkState.Limits(settings.poolCapBits(), settings.messageBudget(), settings.keyMaxAge()),
                clock, LinkListener.all(metrics, new LinkEvents(events, audit)), BreachLatch.at(dir.resolve("breach.latch")));
        metrics.watch(link::snapshot);
        RoundConfig round = RoundConfig.defaults()
                .withQubits(settings.qubits())
                .withNoise(settings.noise())
                .withSampleFraction(settings.sampleFraction())
                .withCascade(settings.cascade());
        LinkLoop loop = new LinkLoop(round, settings.roundInterval(), link, rng);
        RouterRegistry routers = new RouterRegistry(events, audit, clock);
        SecurityAudit securityAudit = audit::append;
        KmsIdentity identity;
        try {
            identity = KmsIdentity.open(settings.home(), settings.identity(), clock, securityAudit);
        } catch (IOException e) {
            audit.close();
            throw new UncheckedIOException("cannot load or create the KMS identity state in " + dir + ": "
                    + e.getMessage(), e);
        }
        AccessPolicy access = new TokenAccess(identity.authenticator(), securityAudit, settings.tlsPort());
        return new Kms(settings, audit, events, link, loop, routers, metrics, access, identity);
    }

    void start() {
        audit.append("server_started", LinkEvents.SYSTEM, "KMS started; " + settings.qubits() + " qubits per round every "
                + settings.roundInterval().toMillis() + " ms, noise " + settings.noise());
        LinkStatus now = link.snapshot();
        if (now.status() == LinkColour.RED) {
            audit.append("breach_latched", LinkEvents.SYSTEM, "link RED since " + now.changedAt() + " (QBER "
                    + LinkState.percent(now.qber()) + ") latched before this start; no key is issued until an operator reset");
        }
        quantumLink.start();
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

    /** The identity routes, wired so that revoking a device also revokes every key it could read. */
    IdentityService identityService() {
        return identity.service(device -> {
            int keys = link.revokeDevice(device);
            audit.append("keys_revoked", LinkEvents.SYSTEM, keys + " key(s) readable by revoked device " + device
                    + " revoked; its peers get fresh keys");
        });
    }

    @Override
    public void close() {
        quantumLink.close();
        events.closeAll();
        link.close();
        audit.append("server_stopped", LinkEvents.SYSTEM, "KMS stopped");
        audit.close();
        identity.close();
    }
}
