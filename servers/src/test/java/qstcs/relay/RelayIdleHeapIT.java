package qstcs.relay;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.server.pki.LocalCa;
import qstcs.testing.KmsProcess;
import qstcs.server.http.LiveHeap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An idle {@code wss} session costs the relay no more heap than its socket I/O's figure
 * ({@link RelayServer#LOOP_CONNECTION_BYTES}, {@link RelayServer#HELIDON_CONNECTION_BYTES}), so the
 * connection cap derived from it keeps a full listener inside half the heap. Measured on a relay process of its own, with the launcher's JVM
 * options and a real KMS for its identity: live heap after a full collection
 * ({@code jcmd GC.class_histogram}) before and after 200 upgraded sessions, each proven served by
 * a ping. The full size (19,000 sessions) is {@code ./qstcs bench hostile --only idle}.
 */
class RelayIdleHeapIT {
    private static final int CONNECTIONS = 200;
    private static final Pattern WSS = Pattern.compile("wss://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern CAP = Pattern.compile("connections: at most (\\d+) at once");

    @ParameterizedTest
    @EnumSource(RelaySettings.Io.class)
    void anIdleSessionFitsItsBudget(RelaySettings.Io io) throws Exception {
        Path home = Files.createTempDirectory("qstcs-relay-idle-heap");
        // No link rounds during the test: nothing on the KMS side matters here but its identity.
        try (KmsProcess kms = KmsProcess.start(home, "--round-ms", "600000")) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process relay = new ProcessBuilder(java, "-XX:+UseG1GC", "-Xmx384m",
                    "-cp", System.getProperty("java.class.path"), "qstcs.relay.Main", "--home", home.toString(),
                    "--bind", "127.0.0.1", "--port", "0", "--kms", kms.plainUrl(), "--kms-tls", kms.tlsUrl(),
                    "--io", io.name().toLowerCase(Locale.ROOT))
                    .redirectErrorStream(true).start();
            List<RawWsClient> held = new ArrayList<>();
            try {
                StringBuffer output = new StringBuffer();
                int port = portOf(relay, output);
                SSLSocketFactory tls = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))))
                        .sslContext().getSocketFactory();
                InetAddress from = InetAddress.getByName("127.0.0.2");
                for (int i = 0; i < 100; i++) {
                    // Sessions that come and go first: classes loaded and code compiled on first use are in the baseline.
                    try (RawWsClient c = RelayConnectionCapIT.upgraded(tls, port, from)) {
                        assertTrue(RelayConnectionCapIT.answersPing(c));
                    }
                }
                long before = LiveHeap.of(relay.pid());
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawWsClient c = RelayConnectionCapIT.upgraded(tls, port, from);
                    held.add(c);
                    assertTrue(RelayConnectionCapIT.answersPing(c), "session " + i);
                }
                long with = LiveHeap.of(relay.pid());
                for (RawWsClient c : held) {
                    assertTrue(RelayConnectionCapIT.answersPing(c), "a session closed during the measurement");
                }
                long each = (with - before) / CONNECTIONS;
                System.out.printf("[servers] idle relay wss session heap (%s): %.1f KiB%n", io, each / 1024.0);
                long budget = io == RelaySettings.Io.LOOP ? RelayServer.LOOP_CONNECTION_BYTES
                        : RelayServer.HELIDON_CONNECTION_BYTES;
                assertTrue(each <= budget, io + " wss session: " + each + " bytes each");
                Matcher cap = CAP.matcher(output);
                assertTrue(cap.find(), "the banner names the cap:\n" + output);
                assertEquals(RelayServer.budget(io).capPerListener(384L * 1024 * 1024,
                        descriptorLimit(relay.pid())), Integer.parseInt(cap.group(1)), cap.group());
            } finally {
                for (RawWsClient c : held) {
                    c.close();
                }
                relay.destroy();
                if (!relay.waitFor(10, TimeUnit.SECONDS)) {
                    relay.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** The relay's {@code wss} port from its banner; its output keeps being read into {@code output}. */
    private static int portOf(Process relay, StringBuffer output) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("relay-output-" + relay.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = WSS.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended; the future says so
            }
            port.completeExceptionally(new IllegalStateException("the relay exited:\n" + output));
        });
        return port.get(90, TimeUnit.SECONDS);
    }

    /** The soft descriptor limit of process {@code pid}, as the JVM there sees it. */
    private static long descriptorLimit(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
