package qstcs.kms;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.server.pki.LocalCa;
import qstcs.testing.KmsProcess;
import qstcs.server.http.LiveHeap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An idle kept-alive connection costs the KMS no more heap than {@link KmsServer#BUDGET} allows
 * for it, on either listener, so the listener cap derived from the budget keeps both listeners
 * full inside half the heap. Measured on a KMS process of its own: live heap after a full
 * collection ({@code jcmd GC.class_histogram}) before and after 200 connections per listener,
 * each kept alive by a second request just before the measurement. The full sizes (thousands per
 * listener, RSS) are {@code ./qstcs bench hostile --only idle}.
 */
class IdleConnectionHeapIT {
    private static final int CONNECTIONS = 200;
    private static final Pattern CAPS = Pattern.compile("Connections: at most (\\d+) \\(http\\) and (\\d+) \\(https\\)");
    private static final byte[] REQUEST = "GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void anIdleConnectionFitsItsBudgetOnBothListeners() throws Exception {
        Path home = KmsServer.tempHome("qstcs-idle-heap");
        // No link rounds during the test: the key pool and link history would grow between the measurements.
        // Compact object headers and the full JIT as the launcher runs the KMS: without them a TLS
        // connection takes up to 3 KiB more (larger headers; the parked thread's frames are larger
        // when only C1 compiled them).
        try (KmsProcess kms = KmsProcess.startWithJvm(home,
                List.of("-XX:+UseCompactObjectHeaders", "-XX:TieredStopAtLevel=4"), "--round-ms", "600000")) {
            Matcher caps = CAPS.matcher(kms.output());
            assertTrue(caps.find(), "the banner names the listeners' caps:\n" + kms.output());
            assertTrue(Integer.parseInt(caps.group(1)) >= CONNECTIONS && Integer.parseInt(caps.group(2)) >= CONNECTIONS,
                    caps.group());
            SSLSocketFactory tls = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))))
                    .sslContext().getSocketFactory();
            long pid = kms.process().pid();
            List<Socket> plain = new ArrayList<>();
            List<Socket> secure = new ArrayList<>();
            try {
                warmUp(kms, tls);
                long before = LiveHeap.of(pid);
                for (int i = 0; i < CONNECTIONS; i++) {
                    plain.add(kept(new Socket(InetAddress.getLoopbackAddress(), kms.plainPort(),
                            InetAddress.getByName("127.0.0.2"), 0)));
                }
                refresh(plain);
                long withPlain = LiveHeap.of(pid);
                assertAllOpen(plain, "plain");
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), kms.tlsPort(), InetAddress.getByName("127.0.0.3"), 0);
                    secure.add(kept(tls.createSocket(s, "127.0.0.1", kms.tlsPort(), true)));
                    if (i % 20 == 19) {
                        // Handshakes are slow on a loaded machine: keep the earlier connections within the idle limit.
                        refresh(plain);
                        refresh(secure);
                    }
                }
                refresh(plain);
                refresh(secure);
                long withBoth = LiveHeap.of(pid);
                assertAllOpen(plain, "plain");
                assertAllOpen(secure, "TLS");
                long plainEach = (withPlain - before) / CONNECTIONS;
                long tlsEach = (withBoth - withPlain) / CONNECTIONS;
                System.out.printf("[servers] idle connection heap: plain %.1f KiB, TLS %.1f KiB%n",
                        plainEach / 1024.0, tlsEach / 1024.0);
                assertTrue(plainEach <= KmsServer.PLAIN_CONNECTION_BYTES, "plain: " + plainEach + " bytes each");
                assertTrue(tlsEach <= KmsServer.TLS_CONNECTION_BYTES, "TLS: " + tlsEach + " bytes each");
            } finally {
                for (Socket s : plain) {
                    s.close();
                }
                for (Socket s : secure) {
                    s.close();
                }
            }
        }
    }

    /** Connections that come and go first, so classes loaded and code compiled on first use are in the baseline. */
    private static void warmUp(KmsProcess kms, SSLSocketFactory tls) throws IOException {
        for (int i = 0; i < 100; i++) {
            try (Socket p = kept(new Socket(InetAddress.getLoopbackAddress(), kms.plainPort()));
                 Socket t = kept(tls.createSocket(InetAddress.getLoopbackAddress(), kms.tlsPort()))) {
                ask(p);
                ask(t);
            }
        }
    }

    /** {@code s} after one answered request, left open. */
    private static Socket kept(Socket s) throws IOException {
        s.setSoTimeout((int) KmsServer.READ_TIMEOUT.multipliedBy(3).toMillis());
        ask(s);
        return s;
    }

    /** One more request on each: the KMS's idle timer starts again. */
    private static void refresh(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            ask(s);
        }
    }

    private static void assertAllOpen(List<Socket> sockets, String listener) throws IOException {
        int answered = 0;
        for (Socket s : sockets) {
            try {
                ask(s);
                answered++;
            } catch (IOException e) {
                // closed by the KMS: the measurement counted fewer connections than it divides by
            }
        }
        assertEquals(sockets.size(), answered, listener + " connections still open after the measurement");
    }

    private static void ask(Socket s) throws IOException {
        ListenerCapIT.exchange(s, REQUEST);
    }
}
