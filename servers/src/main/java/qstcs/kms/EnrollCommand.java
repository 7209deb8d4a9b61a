package qstcs.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.identity.DeviceRegistry;
import qstcs.kms.identity.EnrollmentCode;
import qstcs.kms.identity.EnrollmentSettings;
import qstcs.kms.identity.KmsIdentity;
import qstcs.kms.store.PostgresDatabase;
import qstcs.kms.store.PostgresUrl;
import qstcs.kms.store.SqlDatabase;
import qstcs.server.auth.ServiceToken;
import qstcs.server.pki.LocalCa;
import qstcs.server.common.CommandLine;
import qstcs.crypto.home.StateHome;

/**
 * {@code ./qstcs enroll ID}: prints an enrollment string for a new device. It asks the running
 * KMS over TLS (pinning the local CA, presenting the operator token from the state directory), so
 * the code is created and audited by the KMS. When no KMS answers on this machine it creates the
 * code directly in the state directory's device registry, with the host and relay URL the KMS
 * recorded at its last start — the string then works as soon as the KMS is started.
 */
public final class EnrollCommand {

    static final String USAGE = """
            Usage: ./qstcs enroll ID [--home DIR] [--kms https://HOST:8443]

            Prints an enrollment string (qstcs://HOST:8443/?device=ID&code=…&ca=sha256:…&relay=…)
            for the new device ID. Paste it into the chat window's join dialog (or pass it as
            ./qstcs chat --enroll STRING). The code works once and expires after 15 minutes.

              --home DIR   state directory of the KMS (default $QSTCS_HOME or ~/.qstcs)
              --kms URL    the KMS TLS URL to ask (default https://127.0.0.1:<its TLS port>)

            Uses the operator token from DIR/kms/operator.token (or QSTCS_OPERATOR_TOKEN).
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnrollCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status (0 ok, 1 failure, 2 usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String deviceId = null;
        String[] rest = args;
        if (args.length > 0 && !args[0].startsWith("-")) {
            deviceId = args[0];
            rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        CommandLine flags;
        try {
            flags = CommandLine.parse(rest, Set.of("home", "kms"), Set.of());
        } catch (CommandLine.UsageException e) {
            err.println("qstcs enroll: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (flags.help()) {
            out.print(USAGE);
            return 0;
        }
        if (deviceId == null) {
            err.println("qstcs enroll: which device? e.g. ./qstcs enroll Soldier_Charlie");
            err.print(USAGE);
            return 2;
        }
        try {
            DeviceRegistry.checkDeviceId(deviceId);
        } catch (IllegalArgumentException e) {
            err.println("qstcs enroll: " + e.getMessage());
            return 2;
        }
        StateHome home = StateHome.resolve(flags.string("home"));
        Path kmsDir = home.root().resolve("kms");
        try {
            LocalCa ca = LocalCa.load(kmsDir, Clock.systemUTC());
            Optional<EnrollmentSettings> recorded = KmsIdentity.readSettings(kmsDir, ca);
            URI kms = URI.create(flags.string("kms").orElse("https://127.0.0.1:"
                    + recorded.map(EnrollmentSettings::tlsPort).orElse(8443)));
            Optional<String> fromKms = askKms(kms, ca.fingerprint(), operatorToken(kmsDir), deviceId, err);
            if (fromKms.isPresent()) {
                out.println(fromKms.get());
                return 0;
            }
            if (recorded.isEmpty()) {
                err.println("qstcs enroll: no KMS answers at " + kms + " and it has never recorded its address in "
                        + kmsDir + "; start it once with ./qstcs kms --home " + home.root());
                return 1;
            }
            Optional<PostgresUrl> shared = PostgresUrl.recorded(kmsDir);
            try (SqlDatabase db = openRegistryDatabase(kmsDir, shared);
                 DeviceRegistry registry = db == null ? DeviceRegistry.open(kmsDir, Clock.systemUTC())
                         : DeviceRegistry.open(db, Clock.systemUTC())) {
                EnrollmentCode code = registry.createCode(deviceId, recorded.get().codeTtl());
                EnrollmentSettings s = recorded.get();
                err.println("qstcs enroll: the KMS is not running; created the code in "
                        + shared.map(PostgresUrl::toString).orElse(kmsDir.toString()) + " (valid until " + code.expiresAt() + ")");
                out.println(new qstcs.crypto.tls.EnrollmentUri(s.publicHost(), s.tlsPort(), deviceId, code.code(), s.ca(),
                        s.relayUrls()).toUriString());
                return 0;
            }
        } catch (IOException e) {
            err.println("qstcs enroll: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The KMS's PostgreSQL database when its last start used {@code --db}, else null (the embedded file). */
    private static SqlDatabase openRegistryDatabase(Path kmsDir, Optional<PostgresUrl> shared) throws IOException {
        if (shared.isEmpty()) {
            return null;
        }
        try {
            return PostgresDatabase.open(shared.get());
        } catch (java.sql.SQLException e) {
            throw new IOException("no KMS answers and the database " + shared.get() + " it uses cannot be reached: "
                    + e.getMessage() + (PostgresUrl.password().isEmpty() ? " (PGPASSWORD is not set)" : ""), e);
        }
    }

    private static String operatorToken(Path kmsDir) throws IOException {
        String env = System.getenv(ServiceToken.OPERATOR_ENV);
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        return ServiceToken.read(kmsDir.resolve(ServiceToken.OPERATOR_FILE)).orElseThrow(() -> new IOException(
                "no operator token in " + kmsDir.resolve(ServiceToken.OPERATOR_FILE) + " and QSTCS_OPERATOR_TOKEN is not set"));
    }

    /** The enrollment string from the running KMS; empty when no KMS listens there. */
    private static Optional<String> askKms(URI kms, CaFingerprint ca, String operatorToken, String deviceId,
                                           PrintStream err) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().sslContext(PinnedCaTrust.of(ca).sslContext())
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(kms.resolve("/admin/enrollments"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + operatorToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("device_id", deviceId).toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(res.body());
            if (res.statusCode() != 200) {
                throw new IOException("the KMS at " + kms + " refused (" + res.statusCode() + "): "
                        + body.path("detail").asText(body.toString()));
            }
            err.println("qstcs enroll: code for " + deviceId + " created by the KMS at " + kms + ", valid until "
                    + body.path("expires_at").asText());
            return Optional.of(body.path("enrollment_uri").asText());
        } catch (ConnectException e) {
            // Nothing listens there (connection refused): the KMS is not running.
            return Optional.empty();
        } catch (HttpConnectTimeoutException e) {
            throw new IOException("the KMS at " + kms + " did not answer within 10 s; is it overloaded or firewalled?");
        }
    }
}
