package qstcs.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A relay that fails one WebSocket upgrade with a server error (HTTP 500) must not end the session
 * as a "wrong address": the device tries again and comes online. In front of the real relay sits
 * a TCP forwarder that answers the first connection itself with a 500 and passes every later one
 * through untouched.
 */
class RelayServerErrorIT {

    @Test
    void aServerErrorOnTheFirstUpgradeIsRetried() throws Exception {
        LiveServers servers = LiveServers.shared();
        int relayPort = Integer.parseInt(servers.relayUrl().substring(servers.relayUrl().lastIndexOf(':') + 1));
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!front.isClosed()) {
                    try {
                        Socket client = front.accept();
                        if (connections.incrementAndGet() == 1) {
                            Thread.ofVirtual().start(() -> answer500(client));
                        } else {
                            forward(client, new Socket(InetAddress.getLoopbackAddress(), relayPort));
                        }
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
            SessionRecorder r = new SessionRecorder();
            ClientConfig config = servers.config("Retry_Alpha", "ws://127.0.0.1:" + front.getLocalPort());
            try (SecureChatSession s = servers.session(config, r, "Retry_Peer")) {
                servers.awaitOnline(s);
                assertTrue(connections.get() >= 2, "the first upgrade was refused, so there was a second");
                assertTrue(r.states().stream().anyMatch(st -> st.message() != null
                        && st.message().contains("had a server error (HTTP 500); trying again")), r.states().toString());
                assertEquals(ConnectionState.ONLINE, s.state());
            }
            front.close();
            acceptor.join();
        }
    }

    private static void answer500(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            int matched = 0;
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int b; matched < end.length && (b = in.read()) >= 0; ) {
                matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            }
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // the client went away first
        }
    }

    private static void forward(Socket a, Socket b) {
        Thread.ofVirtual().start(() -> pipe(a, b));
        Thread.ofVirtual().start(() -> pipe(b, a));
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
