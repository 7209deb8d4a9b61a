package qstcs.kms.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import io.helidon.webserver.http.HttpRules;
import qstcs.server.http.RouteTable;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.RelayAddresses;
import qstcs.kms.store.SqlDatabase;
import qstcs.server.auth.Role;
import qstcs.server.auth.ServiceToken;
import qstcs.server.pki.HostNames;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.ServerIdentity;
import qstcs.crypto.home.StateHome;

/**
 * Everything identity-related a KMS needs at start, built in one call from its state directory:
 * the local CA and a fresh server certificate for this start, the operator/router/relay tokens,
 * the device registry, the authenticator and the identity routes; optionally the demo's two
 * local devices. Also records the enrollment settings so {@code ./qstcs enroll} can build
 * enrollment strings while the KMS is down.
 */
public final class KmsIdentity implements AutoCloseable {

    /** The demo's two soldiers, provisioned by {@code --provision-demo}. */
    public static final List<String> DEMO_DEVICES = List.of("Soldier_Alpha", "Soldier_Bravo");
    /** Records publicHost, tlsPort and relayUrl for offline enrollment. */
    public static final String SETTINGS_FILE = "enrollment.properties";
    private static final Duration SERVER_CERT_VALIDITY = Duration.ofDays(90);
    private static final int DEFAULT_RELAY_PORT = 8765;

    /**
     * @param tlsPort the KMS TLS port
     * @param publicHost the name or address devices use for this machine (default: first LAN address)
     * @param relayUrls the relays put in enrollment strings (default wss://publicHost:8765)
     * @param extraSans more names for the KMS certificate ({@code --san})
     * @param provisionDemo provision Soldier_Alpha and Soldier_Bravo on this machine
     */
    public record Options(int tlsPort, Optional<String> publicHost, Optional<List<URI>> relayUrls, List<String> extraSans,
                          boolean provisionDemo) {
        public Options {
            extraSans = List.copyOf(extraSans);
        }
    }

    private final LocalCa ca;
    private final ServerIdentity serverIdentity;
    private final DeviceRegistry devices;
    private final Authenticator authenticator;
    private final RevocationFeed revocations = new RevocationFeed();
    private final AttemptLimiter enrollLimiter;
    private final EnrollmentSettings enrollment;
    private final SecurityAudit audit;
    private final List<Path> provisioned;

    private KmsIdentity(LocalCa ca, ServerIdentity serverIdentity, DeviceRegistry devices, Authenticator authenticator,
                        AttemptLimiter enrollLimiter, EnrollmentSettings enrollment, SecurityAudit audit,
                        List<Path> provisioned) {
        this.ca = ca;
        this.serverIdentity = serverIdentity;
        this.devices = devices;
        this.authenticator = authenticator;
        this.enrollLimiter = enrollLimiter;
        this.enrollment = enrollment;
        this.audit = audit;
        this.provisioned = provisioned;
    }

    /** Opens (creating on first start) the identity state of the KMS whose state home is {@code home}. */
    public static KmsIdentity open(StateHome home, Options options, InstantSource clock, SecurityAudit audit) throws IOException {
        return open(home, options, clock, audit, Optional.empty());
    }

    /**
     * The same, with the device registry in {@code sharedDb} (PostgreSQL shared by several KMS
     * processes) when given instead of the embedded file; the CA and service tokens stay in the
     * state home, which every process of one deployment must hold the same copy of.
     */
    public static KmsIdentity open(StateHome home, Options options, InstantSource clock, SecurityAudit audit,
                                   Optional<SqlDatabase> sharedDb) throws IOException {
        Path kmsDir = home.directory("kms");
        LocalCa ca = LocalCa.loadOrCreate(kmsDir, clock);
        ServerIdentity tls = ca.issueServer("QSTCS KMS", HostNames.localSans(options.extraSans()), SERVER_CERT_VALIDITY);
        ServiceToken operator = ServiceToken.loadOrCreate(Role.OPERATOR, kmsDir.resolve(ServiceToken.OPERATOR_FILE),
                env(ServiceToken.OPERATOR_ENV));
        ServiceToken router = ServiceToken.loadOrCreate(Role.ROUTER, kmsDir.resolve(ServiceToken.ROUTER_FILE),
                env(ServiceToken.ROUTER_ENV));
        ServiceToken relay = ServiceToken.loadOrCreate(Role.RELAY, kmsDir.resolve(ServiceToken.RELAY_FILE),
                env(ServiceToken.RELAY_ENV));
        DeviceRegistry devices = sharedDb.isPresent() ? DeviceRegistry.open(sharedDb.get(), clock)
                : DeviceRegistry.open(kmsDir, clock);
        String host = options.publicHost().orElseGet(KmsIdentity::defaultPublicHost);
        List<URI> relayUrls = options.relayUrls()
                .orElseGet(() -> List.of(URI.create("wss://" + bracket(host) + ":" + DEFAULT_RELAY_PORT)));
        EnrollmentSettings enrollment = new EnrollmentSettings(bracket(host), options.tlsPort(), relayUrls, ca.fingerprint(),
                EnrollmentSettings.DEFAULT_CODE_TTL);
        saveSettings(kmsDir, enrollment);
        List<Path> provisioned = new ArrayList<>();
        if (options.provisionDemo()) {
            URI relayUrl = relayUrls.getFirst();
            int relayPort = relayUrl.getPort() > 0 ? relayUrl.getPort() : DEFAULT_RELAY_PORT;
            for (String device : DEMO_DEVICES) {
                String token = devices.issueToken(device);
                provisioned.add(new DeviceCredentials(device, token, URI.create("https://127.0.0.1:" + options.tlsPort()),
                        URI.create("wss://127.0.0.1:" + relayPort), ca.fingerprint()).save(home.root()));
                audit.record("device_enrolled", "operator@localhost",
                        device + " provisioned locally for the demo (--provision-demo)");
            }
        }
        Authenticator authenticator = new Authenticator(operator, router, relay, devices, audit);
        AttemptLimiter limiter = new AttemptLimiter(System::nanoTime, Duration.ofMinutes(15), 10, 100);
        return new KmsIdentity(ca, tls, devices, authenticator, limiter, enrollment, audit, List.copyOf(provisioned));
    }

    public LocalCa ca() {
        return ca;
    }

    /** This start's TLS certificate and key (issued by the CA for every local name). */
    public ServerIdentity serverIdentity() {
        return serverIdentity;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public DeviceRegistry devices() {
        return devices;
    }

    /** The feed the relay long-polls for revoked devices. */
    public RevocationFeed revocations() {
        return revocations;
    }

    public EnrollmentSettings enrollment() {
        return enrollment;
    }

    /** Device files written by {@code --provision-demo}. */
    public List<Path> provisioned() {
        return provisioned;
    }

    /**
     * The identity routes for the TLS listener.
     *
     * @param onRevoke called with a device id after its revocation (the KMS revokes its pair keys)
     */
    public IdentityService service(Consumer<String> onRevoke) {
        return new IdentityService(devices, revocations, enrollLimiter, enrollment, audit, onRevoke,
                token -> authenticator.identify(token).map(c -> c.role() == Role.OPERATOR).orElse(false));
    }

    /**
     * The identity routes alone, guarded by the KMS access policy, for a server that serves
     * nothing else (the enrollment command's and the relay's tests).
     */
    public void registerRoutes(HttpRules rules, Consumer<String> onRevoke) {
        AccessPolicy access = new TokenAccess(authenticator, audit, enrollment.tlsPort());
        service(onRevoke).register(rules, new RouteTable<>(access::authorize, (metric, nanos) -> { }));
    }

    /**
     * Applies what other KMS processes on a shared database revoke: the device's cached token is
     * dropped, relays polling this process hear of it, and {@code onRevoke} runs as for a local
     * revocation.
     */
    public void followOtherProcesses(Consumer<String> onRevoke) {
        devices.followOtherProcesses(device -> {
            revocations.publish(device);
            onRevoke.accept(device);
        });
    }

    @Override
    public void close() {
        devices.close();
    }

    /** Reads what the last KMS start recorded (for offline enrollment). */
    public static Optional<EnrollmentSettings> readSettings(Path kmsDir, LocalCa ca) throws IOException {
        Path file = kmsDir.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            return Optional.of(new EnrollmentSettings(p.getProperty("public_host"),
                    Integer.parseInt(p.getProperty("tls_port")),
                    p.getProperty("relay_urls") != null ? RelayAddresses.parse(p.getProperty("relay_urls"))
                            : List.of(URI.create(p.getProperty("relay_url"))), ca.fingerprint(),
                    EnrollmentSettings.DEFAULT_CODE_TTL));
        } catch (RuntimeException e) {
            throw new IOException(file + " is damaged; start the KMS once to rewrite it", e);
        }
    }

    private static void saveSettings(Path kmsDir, EnrollmentSettings s) throws IOException {
        Properties p = new Properties();
        p.setProperty("public_host", s.publicHost());
        p.setProperty("tls_port", Integer.toString(s.tlsPort()));
        p.setProperty("relay_url", s.relayUrl().toString());
        p.setProperty("relay_urls", RelayAddresses.format(s.relayUrls()));
        Path file = StateHome.privateFile(kmsDir.resolve(SETTINGS_FILE));
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "written by the KMS at start; read by ./qstcs enroll while the KMS is down");
        }
    }

    /** The first LAN IPv4 address (what a soldier's laptop on the same Wi-Fi dials), else the host name. */
    static String defaultPublicHost() {
        return HostNames.lanAddresses().stream().filter(a -> !a.contains(":")).findFirst()
                .orElseGet(() -> HostNames.lanAddresses().stream().findFirst().orElse("127.0.0.1"));
    }

    private static String bracket(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name));
    }
}
