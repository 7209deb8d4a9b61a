package qstcs.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import qstcs.client.ClientConfig;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.console.OperatorToken;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.console.KmsOperatorClient;
import qstcs.console.RelayStatsClient;

/**
 * {@code ./qstcs demo --headless}: runs {@link ThreeActDemo} against a running KMS and relay
 * (the launcher starts them) and exits 0 only if every act passed.
 */
public final class HeadlessDemo {
    private HeadlessDemo() {
    }

    public static void main(String[] args) {
        String home = System.getenv("QSTCS_HOME");
        boolean pqc = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = value(args, ++i);
                case "--pqc" -> pqc = true;
                case "-h", "--help" -> {
                    System.out.println("Usage: HeadlessDemo [--home DIR] [--pqc]  (normally: ./qstcs demo --headless)\n"
                            + "Uses the soldiers' credentials DIR/devices/<id>.json (written by ./qstcs kms --provision-demo)\n"
                            + "and the operator token DIR/kms/operator.token; every call goes over TLS pinned to the QSTCS CA.");
                    return;
                }
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        Path homeDir = home == null || home.isBlank() ? Path.of(System.getProperty("user.home"), ".qstcs") : Path.of(home);
        ClientConfig alpha;
        ClientConfig bravo;
        try {
            alpha = ClientConfig.of(credentials(homeDir, ThreeActDemo.ALPHA)).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
            bravo = ClientConfig.of(credentials(homeDir, ThreeActDemo.BRAVO)).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        } catch (IOException | IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        // The operator's calls and the relay's /stats go over TLS pinned to the same QSTCS CA.
        PinnedCaTrust trust = PinnedCaTrust.of(alpha.caFingerprint().orElseThrow());
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10))
                .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
        HttpUrl kmsBase = HttpUrl.get(alpha.kmsUrl().toString().replaceAll("/*$", "/"));
        HttpUrl relayBase = HttpUrl.get(alpha.relayUrl().toString().replaceFirst("^ws", "http").replaceAll("/*$", "/"));
        var operatorToken = OperatorToken.load(homeDir, System.getenv());
        boolean passed = new ThreeActDemo(alpha, bravo, new KmsOperatorClient(http, kmsBase, operatorToken),
                new RelayStatsClient(http, relayBase, operatorToken), System.out).run();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        System.exit(passed ? 0 : 1);
    }

    private static DeviceCredentials credentials(Path home, String device) throws IOException {
        return DeviceCredentials.load(home, device).orElseThrow(() -> new IOException("no credentials for " + device
                + " in " + DeviceCredentials.path(home, device) + " (start the KMS with --provision-demo)"));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage("option " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("headless demo: " + problem);
        System.exit(2);
    }
}
