package qstcs.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import qstcs.client.ClientConfig;
import qstcs.client.KmeEndpoint;
import qstcs.client.KmsOperatorClient;
import qstcs.client.OperatorToken;
import qstcs.client.RelayStatsClient;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.tls.DeviceCredentials;
import qstcs.crypto.tls.PinnedCaTrust;

/**
 * {@code ./qstcs demo --headless}: runs {@link ThreeActDemo} against a running KMS and relay
 * (the launcher starts them) and exits 0 only if every act passed.
 */
public final class HeadlessDemo {
    private HeadlessDemo() {
    }

    public static void main(String[] args) {
        String home = null;
        boolean pqc = false;
        boolean etsi014 = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = value(args, ++i);
                case "--pqc" -> pqc = true;
                case "--key-source" -> {
                    String source = value(args, ++i);
                    if (!source.equals("etsi014") && !source.equals("qstcs")) {
                        usage("--key-source must be qstcs or etsi014");
                    }
                    etsi014 = source.equals("etsi014");
                }
                case "-h", "--help" -> {
                    System.out.println("Usage: HeadlessDemo [--home DIR] [--pqc] [--key-source qstcs|etsi014]"
                            + "  (normally: ./qstcs demo --headless)\n"
                            + "Uses the soldiers' credentials DIR/devices/<id>.json (written by ./qstcs kms --provision-demo)\n"
                            + "and the operator token DIR/kms/operator.token; every call goes over TLS pinned to the QSTCS CA.\n"
                            + "With --key-source etsi014 the soldiers take their keys from the KMS's ETSI GS QKD 014 routes\n"
                            + "with the SAE certificates DIR/devices/<id>.sae.pem (./qstcs kms issue-cert --for sae).");
                    return;
                }
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        Path homeDir = StateHome.resolve(Optional.ofNullable(home)).root();
        ClientConfig alpha;
        ClientConfig bravo;
        try {
            alpha = ClientConfig.of(credentials(homeDir, ThreeActDemo.ALPHA)).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
            bravo = ClientConfig.of(credentials(homeDir, ThreeActDemo.BRAVO)).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
            if (etsi014) {
                alpha = alpha.withKme(saeEndpoint(homeDir, alpha));
                bravo = bravo.withKme(saeEndpoint(homeDir, bravo));
                System.out.println("key source: ETSI GS QKD 014 at " + alpha.kmsUrl() + " (enc_keys / dec_keys, mutual TLS)");
            }
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
                new RelayStatsClient(http, relayBase, operatorToken), System.out, !etsi014).run();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        System.exit(passed ? 0 : 1);
    }

    /** The KMS's own ETSI 014 routes as the KME, with the soldier's SAE certificate. */
    private static KmeEndpoint saeEndpoint(Path home, ClientConfig device) throws IOException {
        return KmeEndpoint.read(device.kmsUrl().toString(), home.resolve("devices").resolve(device.deviceId() + ".sae.pem"),
                home.resolve("kms").resolve("ca.crt"));
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
