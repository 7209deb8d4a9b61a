package qstcs.bench.kms;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import qstcs.bench.BenchArgs;
import qstcs.kms.KmsServer;

/**
 * {@code ./qstcs bench flood [--connections 5000] [--requests 2000]}: a legitimate client's
 * {@code GET /link_status} latency on the KMS's plain listener, first alone, then while a flooder
 * on another address (127.0.0.2) keeps up to N bare TCP connections open to the same listener
 * (reopening each one the KMS cuts, as an attacker would). The legitimate client opens a fresh
 * connection per request, the worst case for it: every request must pass the accept queue the
 * flood fills. The KMS runs in this JVM; its RSS is read from {@code /proc/self/status}.
 */
public final class ConnectionFloodBench {

    private static final String USAGE = "Usage: ./qstcs bench flood [--connections N] [--requests N]";

    private ConnectionFloodBench() {
    }

    public static void main(String[] args) throws Exception {
        if (BenchArgs.helpRequested(args, USAGE, a -> a.startsWith("--connections") || a.startsWith("--requests")
                || a.matches("\\d+"))) {
            return;
        }
        int connections = intOption(args, "--connections", 5000);
        int requests = intOption(args, "--requests", 2000);
        try (KmsServer kms = KmsServer.startOnLoopback(KmsServer.tempHome("qstcs-flood-bench"))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI status = URI.create(kms.plainUrl() + "/link_status");
            latencies(http, status, requests / 4); // warm-up
            double[] alone = latencies(http, status, requests);
            long rssAlone = rssKiB();

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong opened = new AtomicLong();
            List<Socket> held = new ArrayList<>();
            Thread flooder = Thread.ofPlatform().name("flooder").start(() -> flood(kms.port(), connections, flooding,
                    opened, held));
            while (opened.get() < connections && flooder.isAlive()) {
                Thread.sleep(50);
            }
            double[] during = latencies(http, status, requests);
            long rssDuring = rssKiB();
            flooding.set(false);
            flooder.join();
            long open = held.stream().filter(s -> !closedByPeer(s)).count();
            for (Socket s : held) {
                s.close();
            }
            System.out.printf(Locale.ROOT, "GET /link_status on the plain listener, %d requests, a fresh connection each:%n",
                    requests);
            print("alone", alone);
            print("flood of " + connections, during);
            System.out.printf(Locale.ROOT, "flood: %d connections opened from 127.0.0.2, %d of the last %d still open"
                    + " at the end; KMS JVM RSS %d MiB alone, %d MiB during the flood%n", opened.get(), open,
                    held.size(), rssAlone / 1024, rssDuring / 1024);
        }
    }

    /** Keeps up to {@code target} connections open from 127.0.0.2, replacing those the server ends. */
    private static void flood(int port, int target, AtomicBoolean flooding, AtomicLong opened, List<Socket> held) {
        try {
            InetAddress from = InetAddress.getByName("127.0.0.2");
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            while (flooding.get()) {
                synchronized (held) {
                    held.removeIf(s -> {
                        if (closedByPeer(s)) {
                            try {
                                s.close();
                            } catch (IOException ignored) {
                                // gone anyway
                            }
                            return true;
                        }
                        return false;
                    });
                }
                while (held.size() < target && flooding.get()) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress(from, 0));
                    s.connect(to, 2000);
                    s.setSoTimeout(1);
                    held.add(s);
                    opened.incrementAndGet();
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("flooder stopped: " + e);
        }
    }

    private static boolean closedByPeer(Socket s) {
        try {
            return s.isClosed() || s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static double[] latencies(HttpClient shared, URI uri, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            // A fresh client per request forces a fresh connection through the accept queue.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Connection", "close").build(),
                    HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("/link_status answered " + r.statusCode());
            }
            http.close();
        }
        Arrays.sort(ms);
        return ms;
    }

    private static void print(String what, double[] ms) {
        int n = ms.length;
        System.out.printf(Locale.ROOT, "  %-18s p50 %6.1f ms   p99 %6.1f ms   max %7.1f ms%n", what, ms[n / 2],
                ms[(int) Math.ceil(n * 0.99) - 1], ms[n - 1]);
    }

    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
