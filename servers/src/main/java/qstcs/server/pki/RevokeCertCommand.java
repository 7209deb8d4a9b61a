package qstcs.server.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import qstcs.crypto.wire.DeviceId;
import qstcs.crypto.home.StateHome;

/**
 * {@code ./qstcs kms revoke-cert --for sae --id SAE_ID [--home DIR]}: revokes every certificate
 * issued to an ETSI 014 SAE. A running KMS on the same state directory refuses them (401) from
 * its next request on; a new {@code issue-cert} for the same id gives a fresh, valid certificate.
 */
public final class RevokeCertCommand {
    static final String USAGE = """
            Usage: ./qstcs kms revoke-cert --for sae --id SAE_ID [--home DIR]

            Revokes every client certificate issued to the ETSI GS QKD 014 SAE SAE_ID by this
            machine's QSTCS CA. The KMS answers its key routes 401 for them from the next request.
            """;

    private RevokeCertCommand() {
    }

    /** Runs the command; returns the exit status (0 ok, 1 failure, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String role = null;
        String id = null;
        String home = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (!(a.equals("--for") || a.equals("--id") || a.equals("--home")) || i + 1 >= args.length) {
                err.println("qstcs kms revoke-cert: unexpected argument '" + a + "'");
                err.print(USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--for" -> role = v;
                case "--id" -> id = v;
                default -> home = v;
            }
        }
        if (!"sae".equals(role) || id == null) {
            err.println("qstcs kms revoke-cert: give --for sae --id SAE_ID");
            err.print(USAGE);
            return 2;
        }
        if (!DeviceId.isValid(id)) {
            err.println("qstcs kms revoke-cert: --id must be " + DeviceId.RULE);
            return 2;
        }
        try {
            Path kmsDir = StateHome.resolve(Optional.ofNullable(home)).directory("kms");
            int n = SaeRegistry.revoke(kmsDir, id, Clock.systemUTC().instant());
            if (n == 0) {
                err.println("qstcs kms revoke-cert: no unrevoked certificate of SAE " + id + " in " + kmsDir);
                return 1;
            }
            out.println("revoked " + n + " certificate(s) of SAE " + id);
            return 0;
        } catch (IOException e) {
            err.println("qstcs kms revoke-cert: " + e.getMessage());
            return 1;
        }
    }
}
