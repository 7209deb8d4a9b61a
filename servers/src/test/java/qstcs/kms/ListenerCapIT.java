package qstcs.kms;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A listener full of idle kept-alive connections (its cap scaled down to 20 here; the full size,
 * the cap from the heap, is {@code ./qstcs bench hostile --only idle}) leaves a newcomer in the
 * accept backlog instead of taking it on, keeps serving the connections it holds, and takes the
 * newcomer as soon as one of them ends. The other listener is not affected.
 */
class ListenerCapIT {
    private static final int CAP = 20;
    private static final byte[] REQUEST = "GET /link_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFullListenerKeepsItsClientsAndTakesANewcomerWhenOneLeaves() throws Exception {
        try (KmsTestServer kms = new KmsTestServer(KmsTestServer.tempHome(), InstantSource.system(), Map.of(),
                Map.of("max-tcp-connections", String.valueOf(CAP)))) {
            int port = kms.server.port();
            InetAddress loopback = InetAddress.getLoopbackAddress();
            List<Socket> held = new ArrayList<>();
            Socket newcomer = null;
            try {
                Socket client = new Socket(loopback, port); // a legitimate client, there first
                held.add(client);
                assertEquals("HTTP/1.1 200 OK", ask(client));
                InetAddress crowd = InetAddress.getByName("127.0.0.2");
                for (int i = 1; i < CAP; i++) {
                    Socket s = new Socket(loopback, port, crowd, 0);
                    held.add(s);
                    assertEquals("HTTP/1.1 200 OK", ask(s), "crowd connection " + i);
                }
                newcomer = new Socket(loopback, port, InetAddress.getByName("127.0.0.3"), 0); // the kernel's backlog takes it
                Socket waiting = newcomer;
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ask(waiting);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                for (Socket s : held) {
                    assertEquals("HTTP/1.1 200 OK", ask(s), "a held connection while the listener is full");
                }
                assertEquals(200, kms.key("Soldier_Alpha", "Soldier_Bravo").code(), "the TLS listener meanwhile");
                assertFalse(answer.isDone(), "the newcomer was served past the cap: " + (answer.isDone() ? answer.join() : ""));
                held.remove(held.size() - 1).close();
                Await.until("the newcomer is served once a connection has left", answer::isDone);
                assertEquals("HTTP/1.1 200 OK", answer.join());
            } finally {
                for (Socket s : held) {
                    s.close();
                }
                if (newcomer != null) {
                    newcomer.close();
                }
            }
        }
    }

    private static String ask(Socket s) throws IOException {
        return exchange(s, REQUEST);
    }

    /** Sends {@code request} and reads its whole answer (head and Content-Length body); the status line. */
    static String exchange(Socket s, byte[] request) throws IOException {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed by the KMS");
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (in.readNBytes(length).length != length) {
            throw new IOException("short body");
        }
        return head.substring(0, head.indexOf("\r\n"));
    }
}
