package qstcs.kms;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

import qstcs.crypto.tls.RelayAddresses;
import qstcs.server.pki.IssueCertCommand;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.ServerIdentity;
import qstcs.server.pki.RevokeCertCommand;
import qstcs.server.common.CommandLine;
import qstcs.server.common.ListenBanner;

/**
 * {@code ./qstcs kms}: parses the command line, starts a {@link KmsServer} (which owns the
 * wiring) and prints where to reach it. {@code ./qstcs kms issue-cert} goes to
 * {@link IssueCertCommand}.
 */
public final class Main {
    private static final Set<String> VALUE_FLAGS = Set.of("home", "bind", "port", "tls-port", "round-ms", "qubits", "noise",
            "san", "public-host", "relay-url", "kme-id", "db", "instance");
    private static final Set<String> SWITCHES = Set.of("provision-demo");

    private Main() {
    }

    /** The flags that take a value. */
    static Set<String> valueFlags() {
        return VALUE_FLAGS;
    }

    /** The flags that take none. */
    static Set<String> switches() {
        return SWITCHES;
    }

    static final String USAGE = """
            Usage: ./qstcs kms [--home DIR] [--bind ADDR] [--port 8000] [--tls-port 8443]
                               [--round-ms 500] [--qubits 65536] [--noise 0.01]
                               [--san NAME[,NAME...]] [--public-host HOST] [--relay-url URL[,URL...]]
                               [--provision-demo] [--kme-id ID]
                               [--db postgresql://USER@HOST:PORT/DB [--instance NAME]]
                   ./qstcs kms issue-cert --for relay|kms --san HOST[,HOST...] --out FILE [--home DIR]
                   ./qstcs kms issue-cert --for sae --id SAE_ID --out FILE [--home DIR]
                   ./qstcs kms revoke-cert --for sae --id SAE_ID [--home DIR]

            QSTCS key management service. Runs a SIMULATED BB84 quantum link (a classical
            simulation, not quantum hardware) in rounds, pools the final key bits, and hands
            256-bit pair keys to devices over HTTP. The link turns RED (all keys revoked) when
            the estimated QBER reaches 11 %, until an operator resets it. Key length: the
            finite-key bound of Tomamichel et al. 2012 (phase error from the other basis's test
            bits, tolerated-QBER bins of 1 % … 11 %, 256 bits per round for authentication).
            Every key bit comes from a SecureRandom DRBG keying AES-256-CTR afresh each round.

              --home DIR       state directory (default $QSTCS_HOME or ~/.qstcs); the audit log
                               and the local CA that issues the TLS certificate live in DIR/kms/
              --bind ADDR      listen address (default 0.0.0.0: every interface)
              --port N         plain HTTP port, public read-only routes (default 8000)
              --tls-port N     HTTPS port, every route (default 8443)
              --round-ms N     pause between link rounds in milliseconds (default 500)
              --qubits N       qubits sent per round (default 65536). The model is an ideal
                               single-photon source, a lossless channel and detectors
                               without dark counts: every qubit arrives and is detected
              --noise E        channel bit-flip probability, 0..0.5 (default 0.01). From
                               about 6 % QBER the finite-key bound leaves no key while the
                               link is only YELLOW: /link_status says key_bits 0, reason
                               finite_key, and pool_bits drains as keys are drawn
              --san NAMES      extra host names/addresses for the TLS certificate (localhost,
                               127.0.0.1, the host name and LAN addresses are always in it)
              --public-host H  host devices use in enrollment strings (default: the --bind
                               address, or the first LAN address when binding every interface)
              --relay-url URL[,URL...]  relay put in enrollment strings (default
                               wss://PUBLIC-HOST:8765); several (the relays of one cluster,
                               comma-separated) all go in, and an enrolled chat fails over
                               along them
              --provision-demo give Soldier_Alpha and Soldier_Bravo device tokens now and write
                               DIR/devices/<id>.json, which ./qstcs chat --device ID reads
              --db URL         keep devices, enrollment codes, token hashes, revocations and the
                               audit log in PostgreSQL (password from PGPASSWORD) instead of
                               DIR/kms/*.db. Several KMS processes may share one database: one
                               leads the quantum link, the others stand by (key and link routes
                               answer 503 "standby") and take over within 2 s when it dies.
                               Every process needs the same DIR/kms/ CA and tokens.
              --instance NAME  this process's name in the audit log (default HOST-PID)
              --kme-id ID      this KME's id in ETSI GS QKD 014 answers (source_KME_ID;
                               default KME-<host name>)

            ETSI GS QKD 014 (docs/etsi-014.md): /api/v1/keys/{SAE_ID}/status|enc_keys|dec_keys
            on the TLS port with mutual TLS; an SAE's client certificate comes from
            ./qstcs kms issue-cert --for sae (revoke with revoke-cert). GET /openapi describes
            every route.

            Identity (DIR/kms/): local CA ca.crt/ca.key (clients pin its SHA-256 fingerprint),
            operator.token, router.token, relay.token (0600; QSTCS_OPERATOR_TOKEN,
            QSTCS_ROUTER_TOKEN, QSTCS_RELAY_TOKEN override), identity.db (hashed device tokens).
            Device and operator routes need TLS and a token; the plain port answers them 403.

            Connections: each listener holds at most N connections at once (more wait in the
            accept backlog), N = 50 % of the maximum heap / (40 KiB + 20 KiB): the heap one idle
            TLS plus one idle plain connection may cost (measured 33 and 15 KiB), so both
            listeners full still leave half the heap to the KMS; N is at most 20,000 and at most
            (descriptor limit - 512) / 2. The launcher's 256 MiB heap gives 2,094; -Xmx2500m
            (QSTCS_KMS_JVM_OPTS) gives 20,000. The banner prints N; server.max-tcp-connections
            and server.sockets[tls].max-tcp-connections in application.yaml set it instead.
            A connection without a request in progress is closed after 10 s.

            Defaults come from application.yaml (server: and app:); flags win.
            Stop with Ctrl-C or SIGTERM.
            """;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("issue-cert")) {
            System.exit(IssueCertCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("revoke-cert")) {
            System.exit(RevokeCertCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
            return;
        }
        CommandLine flags;
        try {
            flags = CommandLine.parse(args, VALUE_FLAGS, SWITCHES);
            if (flags.help()) {
                System.out.print(USAGE);
                return;
            }
            // Validate every flag before starting anything.
            KmsSettings.from(Config.empty(), flags);
        } catch (CommandLine.UsageException e) {
            System.err.println("qstcs kms: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        LogConfig.configureRuntime();
        Config config = Config.create();
        KmsSettings settings = KmsSettings.from(config, flags);

        KmsServer server;
        try {
            server = KmsServer.start(config, settings);
        } catch (UncheckedIOException e) {
            System.err.println("qstcs kms: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("qstcs kms: cannot start: " + e.getMessage()
                    + " (is another KMS already running on port " + settings.port() + " or " + settings.tlsPort() + "?)");
            System.exit(1);
            return;
        }
        printBanner(System.out, settings, server);
        printIdentity(System.out, server.kms());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("qstcs kms: stopping…");
            server.close();
            System.out.println("qstcs kms: stopped");
            stopped.countDown();
        }, "kms-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void printBanner(PrintStream out, KmsSettings s, KmsServer server) {
        ServerIdentity identity = server.kms().identity().serverIdentity();
        out.println("QSTCS KMS — simulated BB84 quantum link (classical simulation, not quantum hardware)");
        int[] caps = server.connectionCaps();
        out.printf(java.util.Locale.ROOT, "Connections: at most %d (http) and %d (https) at once; %s%n", caps[0], caps[1],
                caps[0] == KmsServer.MAX_CONNECTIONS && caps[1] == KmsServer.MAX_CONNECTIONS
                        ? KmsServer.BUDGET.describe() : "set by max-tcp-connections");
        out.println("Listening:");
        ListenBanner.printListener(out, "http", s.bind(), server.port(), "public: /link_status, /observe/*, /router/heartbeat");
        ListenBanner.printListener(out, "https", s.bind(), server.tlsPort(), "all routes");
        out.println("TLS: certificate issued by the local CA " + identity.caFingerprint()
                + " (" + s.home().root().resolve("kms").resolve(LocalCa.CERT_FILE) + ")");
        out.println(s.db().isPresent()
                ? "State: " + s.db().get() + " (devices, audit log), shared; instance " + s.instance()
                        + "; CA and tokens in " + s.home().root().resolve("kms")
                : "State: " + s.home().root().resolve("kms") + "  (audit log audit.db)");
        out.printf("Link: %d qubits per round every %d ms, channel noise %.3f%n",
                s.qubits(), s.roundInterval().toMillis(), s.noise());
    }

    static void printIdentity(PrintStream out, Kms kms) {
        Path kmsDir = kms.settings().home().root().resolve("kms");
        out.println("Identity: operator token in " + kmsDir.resolve("operator.token") + "; router token in "
                + kmsDir.resolve("router.token") + "; relay token in " + kmsDir.resolve("relay.token"));
        out.println("  device and operator routes: TLS port only, with a token (the plain port answers 403)");
        out.println("  new device: ./qstcs enroll DEVICE_ID   (enrollment strings name " + kms.identity().enrollment().publicHost()
                + ":" + kms.identity().enrollment().tlsPort() + " and relay "
                + RelayAddresses.format(kms.identity().enrollment().relayUrls()) + ")");
        for (Path device : kms.identity().provisioned()) {
            out.println("  provisioned " + device);
        }
    }
}
