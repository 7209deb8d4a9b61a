package qstcs.demo;

import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import qstcs.client.ClientConfig;
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
        String kms = "http://127.0.0.1:8000";
        String relay = "ws://127.0.0.1:8765";
        boolean pqc = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kms" -> kms = value(args, ++i);
                case "--relay" -> relay = value(args, ++i);
                case "--pqc" -> pqc = true;
                case "-h", "--help" -> {
                    System.out.println("Usage: HeadlessDemo [--kms URL] [--relay URL] [--pqc]  (normally: ./qstcs demo --headless)");
                    return;
                }
                default -> usage("unknown option '" + args[i] + "'");
            }
        }
        ClientConfig alpha;
        ClientConfig bravo;
        try {
            alpha = ClientConfig.of(ThreeActDemo.ALPHA, kms, relay).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
            bravo = ClientConfig.of(ThreeActDemo.BRAVO, kms, relay).withPqc(pqc)
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
        HttpUrl kmsBase = HttpUrl.get(alpha.kmsUrl().toString().replaceAll("/*$", "/"));
        HttpUrl relayBase = HttpUrl.get(alpha.relayUrl().toString().replaceFirst("^ws", "http").replaceAll("/*$", "/"));
        boolean passed = new ThreeActDemo(alpha, bravo, new KmsOperatorClient(http, kmsBase, Optional.empty()),
                new RelayStatsClient(http, relayBase), System.out).run();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        System.exit(passed ? 0 : 1);
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
