package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qstcs.testing.Await;

/**
 * A frame sent with a receipt is confirmed only once the relay's socket write has handed it to the
 * kernel, over {@code ws://} and {@code wss://}, on the socket I/O the suite runs with
 * ({@code -Dqstcs.relay.io}): while the client reads nothing, the frames beyond what the kernel's
 * buffers can hold stay unconfirmed; once the client has read them all, every receipt has run,
 * once each, in order. A relay of a cluster leaves a frame in the stream until its receipt.
 */
class WriteReceiptIT {

    /** An outbound budget the test never reaches: the client that does not read is not cut. */
    private static final RelayLimits LIMITS = RelayLimits.DEFAULT.withOutbound(512L * 1024 * 1024);
    private static final String BODY = "0".repeat(60_000);

    @TempDir
    Path home;

    @Test
    void plainFramesAreConfirmedOnlyOnceTheSocketHasTakenThem() throws Exception {
        try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests().withLimits(LIMITS));
             RawWsClient client = new RawWsClient(relay.port(), 4096)) {
            confirmsOnlyWhatWasWritten(relay, client, null);
        }
    }

    @Test
    void tlsFramesAreConfirmedOnlyOnceTheSocketHasTakenTheirRecords() throws Exception {
        try (RelayWithDeviceIdentity rig = new RelayWithDeviceIdentity(home, LIMITS)) {
            int port = rig.relay().port();
            SSLSocket tls = (SSLSocket) RawWsClient.connected(rig.pinnedSockets().createSocket(), port, 4096);
            tls.startHandshake();
            try (RawWsClient client = new RawWsClient(tls, port)) {
                confirmsOnlyWhatWasWritten(rig.relay(), client, rig.issueToken("Soldier_Bravo"));
            }
        }
    }

    private static void confirmsOnlyWhatWasWritten(RelayServer relay, RawWsClient client, String token)
            throws Exception {
        client.sendText("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\""
                + (token == null ? "" : ",\"token\":\"" + token + "\"") + "}");
        RawWsClient.Frame f;
        while ((f = client.next()) != null && !f.text().contains("\"registered\"")) {
            // presence and the like
        }
        assertTrue(f != null, "Bravo registered");
        ClientConnection bravo = Await.value("Bravo's connection at the relay",
                () -> relay.switchboard().connectionOf("Soldier_Bravo"), Objects::nonNull);

        int frameBytes = Outbox.encode(chat(0)).length;
        long kernel = client.kernelBufferLimit();
        int count = (int) (kernel / frameBytes) + 32;
        List<Integer> confirmed = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < count; i++) {
            int n = i;
            assertTrue(bravo.send(chat(i), () -> confirmed.add(n)), "frame " + i + " queued");
        }
        // Bravo has read nothing: whatever the relay confirms must fit in the kernel's buffers.
        int early = confirmed.size();
        assertTrue(early <= kernel / frameBytes, early + " of " + count + " frames confirmed while the kernel can"
                + " hold at most " + kernel / frameBytes);

        for (int i = 0; i < count; i++) {
            f = client.next();
            assertTrue(f != null, "frame " + i + " arrived");
            JsonNode n = WsTestClient.JSON.readTree(f.text());
            assertEquals("big-" + i, n.path("id").asText(), "frames in order");
        }
        Await.until("a receipt for every frame Bravo read", () -> confirmed.size() >= count);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertEquals(expected, List.copyOf(confirmed), "every receipt once, in order");
        System.out.println("[servers] WriteReceiptIT: " + count + " frames of " + frameBytes + " bytes; " + early
                + " confirmed before the client read");
    }

    private static String chat(int i) {
        return WsTestClient.chat("big-" + i, "Soldier_Alpha", "Soldier_Bravo", BODY);
    }
}
