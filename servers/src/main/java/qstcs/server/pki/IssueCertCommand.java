package qstcs.server.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import qstcs.crypto.home.StateHome;

/**
 * {@code ./qstcs kms issue-cert --for relay --san HOST... --out FILE}: issues a server certificate
 * from the local CA for a relay (or KMS) on another machine, written with its new private key as
 * one PEM file (0600) that {@code ./qstcs relay --tls-cert FILE} loads. The chain in the file ends
 * with the CA, from which that relay also learns the fingerprint to pin the KMS.
 */
public final class IssueCertCommand {

    static final String USAGE = """
            Usage: ./qstcs kms issue-cert --for relay|kms --san HOST[,HOST...] [--san HOST...] --out FILE [--home DIR]

            Issues a TLS server certificate from this machine's QSTCS CA (DIR/kms/ca.crt) for a
            server on another machine, valid for the given host names and IP addresses, and
            writes key + certificate chain to FILE (PEM, mode 0600). Copy FILE to that machine
            and start the relay there with --tls-cert FILE. A relay also needs the relay token:
            copy DIR/kms/relay.token to the same path under its own state directory (or set
            QSTCS_RELAY_TOKEN there).
            """;
    private static final Duration VALIDITY = Duration.ofDays(365);

    private IssueCertCommand() {
    }

    /** Runs the command; returns the exit status (0 ok, 1 failure, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String role = null;
        String outFile = null;
        String home = null;
        List<String> sans = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (!List.of("--for", "--san", "--out", "--home").contains(a)) {
                err.println("qstcs kms issue-cert: unknown argument '" + a + "'");
                err.print(USAGE);
                return 2;
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                err.println("qstcs kms issue-cert: " + a + " needs a value");
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--for" -> role = v;
                case "--out" -> outFile = v;
                case "--home" -> home = v;
                default -> {
                    for (String s : v.split(",")) {
                        if (!s.isBlank()) {
                            sans.add(s.strip());
                        }
                    }
                }
            }
        }
        if (role == null || !(role.equals("relay") || role.equals("kms"))) {
            err.println("qstcs kms issue-cert: --for must be relay or kms");
            return 2;
        }
        if (sans.isEmpty() || outFile == null) {
            err.println("qstcs kms issue-cert: give the server's names with --san and the output file with --out");
            err.print(USAGE);
            return 2;
        }
        try {
            StateHome state = StateHome.resolve(java.util.Optional.ofNullable(home));
            LocalCa ca = LocalCa.loadOrCreate(state.directory("kms"), Clock.systemUTC());
            ServerIdentity id = ca.issueServer("QSTCS " + role, sans, VALIDITY);
            Path file = Path.of(outFile).toAbsolutePath();
            id.writePem(file);
            out.println("wrote " + file + " (private key + certificate for " + String.join(", ", sans) + ", valid "
                    + VALIDITY.toDays() + " days)");
            out.println("CA fingerprint (clients pin this): " + ca.fingerprint());
            if (role.equals("relay")) {
                out.println("next: copy it to the relay machine and run ./qstcs relay --tls-cert FILE --kms http://THIS_HOST:8000;");
                out.println("      copy " + state.root().resolve("kms").resolve("relay.token")
                        + " to kms/relay.token under the relay machine's state directory.");
            }
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("qstcs kms issue-cert: " + e.getMessage());
            return 1;
        }
    }
}
