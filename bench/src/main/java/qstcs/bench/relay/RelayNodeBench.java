package qstcs.bench.relay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import qstcs.bench.kms.KmsBench;
import qstcs.server.common.CommandLine;

/**
 * {@code ./qstcs bench relay-node [--pairs 100] [--window 8] [--seconds 10] [--rate N]}: the relay
 * driven by a Node {@code ws} load generator ({@code bench/node/relay-load.mjs}), the method issue
 * 21 names for the relay's CPU goals. The Java generator of {@code ./qstcs bench relay}
 * ({@link PairLoad}) gathers frames per socket write (0.13 relay reads per message at full load);
 * a Node client writes each frame on its own, which may make the relay read and write more per
 * message.
 *
 * <p>This class starts the KMS and the relay exactly as {@link RelayBench} does by default
 * ({@code wss://}, device tokens checked by a real KMS, the launcher's relay JVM options, the
 * relay's default I/O, rate and per-address limits lifted), enrolls the {@code 2 × pairs} devices,
 * writes what the script needs (relay URL, the CA certificate in PEM so that Node verifies TLS,
 * device ids and tokens, the relay's PID) into a temporary file and runs the script, whose output
 * is the result. Without {@code --rate}: a closed loop with {@code --window} frames in flight per
 * pair; with it: an open loop at that many msgs/s.
 */
public final class RelayNodeBench {

    private RelayNodeBench() {
    }

    public static void main(String[] args) throws Exception {
        int exit;
        try {
            exit = run(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("qstcs bench relay-node: " + e.getMessage() + " (./qstcs bench relay-node --help)");
            exit = 2;
        } catch (NodeGenerator.Failure e) {
            System.err.println("qstcs bench relay-node: " + e.getMessage());
            exit = 1;
        }
        System.exit(exit); // the KMS client's HttpClient keeps non-daemon threads for a while
    }

    private static int run(String[] args) throws Exception {
        CommandLine flags = CommandLine.parse(args, Set.of("pairs", "window", "seconds", "rate"), Set.of());
        if (flags.help()) {
            System.out.println("Usage: ./qstcs bench relay-node [--pairs 100] [--window 8] [--seconds 10] [--rate N]\n"
                    + "The relay (wss://, device tokens checked by a real KMS, as ./qstcs bench relay runs it) driven by"
                    + " a Node ws load generator (bench/node/relay-load.mjs; needs Node " + NodeGenerator.MIN_NODE
                    + "+ and, once, npm ci).\n"
                    + "Without --rate: closed loop, --window frames in flight per pair; --rate N: open loop at N msgs/s"
                    + " over the pairs. 3 s of warm-up (longer while the relay's JIT compiles), then --seconds measured.\n"
                    + "Environment: QSTCS_NODE, QSTCS_NPM (commands), QSTCS_BENCH_NODE_DIR (the script's directory).");
            return 0;
        }
        int pairs = flags.integer("pairs", 1, 5000).orElse(100);
        int window = flags.integer("window", 1, 1000).orElse(8);
        int seconds = flags.integer("seconds", 1, 600).orElse(10);
        Integer rate = flags.integer("rate", 1, 1_000_000).orElse(null);

        // Node first: a missing Node should not cost a KMS and a relay start.
        NodeGenerator node = NodeGenerator.fromEnvironment();
        String nodeVersion = node.prepare();

        System.out.printf("Relay benchmark with a Node ws generator — %d cores, load average %s at start,"
                        + " relay JVM options %s, Node %s%n", Runtime.getRuntime().availableProcessors(),
                ProcFigures.loadAverage(), RelayProcess.LAUNCHER_JVM, nodeVersion);
        System.out.println("configuration: wss:// (TLS 1.3, CA-verified), each device registered with its own token"
                + " checked by the KMS; relay I/O: the relay's default (loop)");
        Path tmp = Files.createTempDirectory("qstcs-relay-node");
        int exit;
        try (KmsForRelay kms = new KmsForRelay();
             RelayProcess relay = new RelayProcess(RelayBench.SETTINGS, RelayProcess.LAUNCHER_JVM, kms, List.of())) {
            System.out.printf("enrolling %d devices with the KMS…%n", 2 * pairs);
            StringBuilder json = new StringBuilder();
            json.append("{\"url\":\"wss://127.0.0.1:").append(relay.port()).append("/\",\"relayPid\":")
                    .append(relay.pid()).append(",\"ca\":\"").append(escape(pem(KmsBench.caCertificate(kms.home()))))
                    .append("\",\"pairs\":[");
            for (int i = 0; i < pairs; i++) {
                String sender = "bench_s" + i;
                String receiver = "bench_r" + i;
                json.append(i == 0 ? "" : ",").append("{\"sender\":").append(device(sender, kms.enroll(sender)))
                        .append(",\"receiver\":").append(device(receiver, kms.enroll(receiver))).append('}');
            }
            json.append("]}\n");
            Path setup = tmp.resolve("setup.json");
            Files.writeString(setup, json);
            System.out.println();
            System.out.flush();
            List<String> scriptArgs = new ArrayList<>(List.of(setup.toString(), "--seconds", Integer.toString(seconds)));
            if (rate != null) {
                scriptArgs.addAll(List.of("--rate", rate.toString()));
            } else {
                scriptArgs.addAll(List.of("--window", Integer.toString(window)));
            }
            exit = node.run(scriptArgs);
        } finally {
            NodeGenerator.deleteQuietly(tmp);
        }
        System.out.printf("%nload average at end: %s%n", ProcFigures.loadAverage());
        if (exit != 0) {
            System.err.println("qstcs bench relay-node: the Node generator exited with " + exit);
            return 1;
        }
        return 0;
    }

    private static String device(String id, String token) {
        return "{\"id\":\"" + escape(id) + "\",\"token\":\"" + escape(token) + "\"}";
    }

    static String pem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** A JSON string's content: quotes, backslashes and control characters escaped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
