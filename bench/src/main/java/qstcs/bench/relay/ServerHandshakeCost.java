package qstcs.bench.relay;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.server.pki.LocalCa;
import qstcs.server.pki.ServerIdentity;

/**
 * CPU time the server side of one TLS handshake takes with the relay's kind of certificate (an EC
 * P-256 certificate from the local CA) and TLS parameters: a client and a server
 * {@code SSLEngine} hand records to each other in memory, on this thread, and only the server's
 * steps are timed (thread CPU time). On the relay's event loop that work runs on the loop thread,
 * between other connections' frames.
 */
final class ServerHandshakeCost {

    private final SSLContext server;
    private final SSLContext client;
    private final com.sun.management.ThreadMXBean cpu =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long serverNanos;

    ServerHandshakeCost() {
        LocalCa ca = LocalCa.create(InstantSource.system());
        ServerIdentity identity = ca.issueServer("127.0.0.1", List.of("127.0.0.1"), Duration.ofDays(1));
        server = identity.tls().sslContext();
        client = PinnedCaTrust.of(ca.fingerprint()).sslContext();
    }

    /** Mean server CPU per handshake over {@code count} handshakes, after as many to warm up; nanoseconds. */
    double measure(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            handshake();
        }
        serverNanos = 0;
        for (int i = 0; i < count; i++) {
            handshake();
        }
        return (double) serverNanos / count;
    }

    private void handshake() throws Exception {
        SSLEngine s = server.createSSLEngine();
        s.setUseClientMode(false);
        SSLEngine c = client.createSSLEngine("127.0.0.1", 443);
        c.setUseClientMode(true);
        ByteBuffer toServer = ByteBuffer.allocate(64 * 1024);
        ByteBuffer toClient = ByteBuffer.allocate(64 * 1024);
        c.beginHandshake();
        s.beginHandshake();
        for (int step = 0; step < 100; step++) {
            advance(c, toServer, toClient);
            long t0 = cpu.getCurrentThreadCpuTime();
            advance(s, toClient, toServer);
            serverNanos += cpu.getCurrentThreadCpuTime() - t0;
            if (done(c) && done(s)) {
                return;
            }
        }
        throw new IllegalStateException("the handshake did not finish");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus hs = e.getHandshakeStatus();
        return hs == HandshakeStatus.FINISHED || hs == HandshakeStatus.NOT_HANDSHAKING;
    }

    /** Lets {@code e} do what it can now: run its tasks, write into {@code out}, read from {@code in}. */
    private static void advance(SSLEngine e, ByteBuffer out, ByteBuffer in) throws Exception {
        ByteBuffer app = ByteBuffer.allocate(64 * 1024);
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int k = 0; k < 20; k++) {
            switch (e.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = e.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> e.wrap(empty, out);
                case NEED_UNWRAP -> {
                    in.flip();
                    SSLEngineResult r = e.unwrap(in, app);
                    in.compact();
                    app.clear();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
                        return;
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }
}
