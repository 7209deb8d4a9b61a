package qstcs.kms.etsi014;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.InstantSource;

import qstcs.kms.identity.SecurityAudit;
import qstcs.server.pki.SaeRegistry;

/**
 * This KMS as an ETSI 014 KME: its limits, the keys owed to slave SAEs and the route service.
 * The KMS calls {@link #linkBroken()} on every breach and reset, under its link lock.
 */
public final class Etsi014Kme {
    private final Etsi014Limits limits;
    private final DeliveredKeys delivered;
    private final SaeAuthenticator authenticator;
    private final SecurityAudit audit;

    /**
     * @param ca     the local CA whose SAE certificates identify callers
     * @param kmsDir the KMS state directory holding the {@link SaeRegistry}
     * @param audit  where refused SAE requests are recorded
     */
    public Etsi014Kme(Etsi014Limits limits, X509Certificate ca, Path kmsDir, InstantSource clock, SecurityAudit audit) {
        this.limits = limits;
        this.audit = audit;
        this.delivered = new DeliveredKeys(System::nanoTime);
        this.authenticator = new SaeAuthenticator(ca, SaeRegistry.watching(kmsDir), clock);
    }

    public Etsi014Limits limits() {
        return limits;
    }

    /** The routes, drawing from {@code supply}. */
    public Etsi014Service service(LinkKeySupply supply, long maxBodyBytes) {
        return new Etsi014Service(limits, authenticator, supply, delivered, maxBodyBytes, audit);
    }

    /** Breach or reset: keys not yet fetched by their slaves are wiped. */
    public void linkBroken() {
        delivered.revokeAll();
    }
}
