package qstcs.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qstcs.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients that start a frame and never finish it cannot make the event loop lend more than its
 * budget: real TLS clients each upgrade, then send a partial WebSocket frame (its header announces
 * 60,000 bytes, so the relay sets 60,000 aside for the message) or a partial TLS record (the relay
 * keeps its read buffer), and stall. Together they would hold 447,040 bytes; with a budget of
 * 256 KiB the relay cuts the oldest holders (at least the first five stallers) as newer ones
 * borrow, never lends more than the budget, keeps serving the newest staller when it finishes its
 * frame and relays a registered device's frames throughout; once they all leave, nothing is lent.
 */
class RelayLentBuffersIT {

    private static final long BUDGET = 256 * 1024;
    private static final int STALLERS = 11;
    private static final int ANNOUNCED = 60_000;
    private static final int SENT = 10;

    @TempDir
    Path home;

    @Test
    void stallersOverTheBudgetAreCutOldestFirstWhileDevicesRelay() throws Exception {
        RelaySettings settings = RelaySettings.loopbackForTests().withIo(RelaySettings.Io.LOOP)
                .withLimits(RelayLimits.DEFAULT.withLentBytes(BUDGET));
        List<RawWsClient> stallers = new ArrayList<>();
        try (RelayWithDeviceIdentity rig = new RelayWithDeviceIdentity(home, settings);
             WsTestClient alpha = rig.register("Soldier_Alpha", rig.issueToken("Soldier_Alpha"));
             WsTestClient bravo = rig.register("Soldier_Bravo", rig.issueToken("Soldier_Bravo"))) {
            alpha.next("registered");
            bravo.next("registered");
            RelayServer relay = rig.relay();
            RelayStats stats = relay.switchboard().stats();
            SSLSocketFactory tls = rig.pinnedSockets();
            InetAddress from = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < STALLERS; i++) {
                Socket tcp = new Socket(InetAddress.getLoopbackAddress(), relay.port(), from, 0);
                SSLSocket s = (SSLSocket) tls.createSocket(tcp, "127.0.0.1", relay.port(), true);
                s.startHandshake();
                RawWsClient c = new RawWsClient(s, relay.port());
                stallers.add(c);
                if (i % 2 == 0) {
                    byte[] start = Arrays.copyOf(RawWsClient.textHeader(ANNOUNCED), 8 + SENT);
                    Arrays.fill(start, 8, start.length, (byte) ' ');
                    c.sendBytes(start);
                } else {
                    // Below the TLS socket: a record header announcing 16 KiB, then 100 bytes of it.
                    byte[] record = new byte[5 + 100];
                    record[0] = 0x17;
                    record[1] = 3;
                    record[2] = 3;
                    record[3] = 0x40;
                    tcp.getOutputStream().write(record);
                    tcp.getOutputStream().flush();
                }
                assertTrue(stats.lentBytes.sum() <= BUDGET, "lent " + stats.lentBytes.sum() + " of " + BUDGET);
            }

            for (int i = 0; i < 5; i++) {
                assertCut(stallers.get(i), i);
            }
            assertTrue(stats.lentBytes.sum() <= BUDGET, "lent " + stats.lentBytes.sum() + " of " + BUDGET);

            alpha.send(WsTestClient.chat("m1", "Soldier_Alpha", "Soldier_Bravo", "00aa"));
            assertEquals("Soldier_Alpha", bravo.nextWithId("m1").get("sender").asText(),
                    "a registered device's frame is relayed");

            RawWsClient newest = stallers.get(STALLERS - 1);
            byte[] rest = new byte[ANNOUNCED - SENT];
            Arrays.fill(rest, (byte) ' ');
            newest.sendBytes(rest);
            RawWsClient.Frame answer = newest.next(0x1);
            assertNotNull(answer, "the newest staller was cut");
            assertTrue(answer.text().contains("not_registered"), answer.text());
            assertTrue(RelayConnectionCapIT.answersPing(newest), "the newest staller is still served");

            try (Response r = rig.pinned().newCall(new Request.Builder()
                    .url("https://127.0.0.1:" + relay.port() + "/stats").build()).execute()) {
                JsonNode body = WsTestClient.JSON.readTree(r.body().string());
                assertEquals(BUDGET, body.get("max_lent_bytes").asLong());
                assertTrue(body.get("lent_bytes").asLong() <= BUDGET, body.toString());
                assertTrue(body.get("lent_cuts").asLong() >= 5, body.toString());
            }

            for (RawWsClient c : stallers) {
                c.close();
            }
            Await.until("nothing is lent once the stallers left", () -> stats.lentBytes.sum() == 0);
        } finally {
            for (RawWsClient c : stallers) {
                c.close();
            }
        }
    }

    /** {@code c}'s connection was closed by the relay (end of stream or a reset), not left waiting. */
    private static void assertCut(RawWsClient c, int i) {
        try {
            assertNull(c.next(), "staller " + i + " got a frame");
        } catch (SocketTimeoutException e) {
            fail("staller " + i + " was not cut");
        } catch (IOException e) {
            // Closed with a reset, or without TLS close_notify: cut all the same.
        }
    }
}
