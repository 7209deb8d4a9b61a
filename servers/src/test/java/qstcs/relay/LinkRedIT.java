package qstcs.relay;

import java.util.ArrayList;
import java.util.List;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.wire.CloseCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the relay does when the link turns RED, driven through the switchboard's status input
 * (the same call the KMS long-poll makes): every session, registered or not, gets a link frame
 * and close 4403, queued frames are flushed, and new sessions are told RED and closed the same way
 * until the status leaves RED.
 */
class LinkRedIT {

    private static final OkHttpClient http = WsTestClient.HTTP;

    @Test
    void redCutsEverySessionAndRefusesNewOnesUntilReset() throws Exception {
        try (RelayServer relay = RelayServer.start(RelaySettings.loopbackForTests())) {
            int port = relay.port();
            relay.switchboard().linkStatus(LinkColour.GREEN);
            List<WsTestClient> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(WsTestClient.register(http, port, "Soldier_" + i));
            }
            clients.add(WsTestClient.connect(http, port)); // not registered yet
            clients.get(0).send(WsTestClient.chat("q-1", "Soldier_0", "Soldier_Offline", "00"));
            clients.get(0).next("ack");
            assertEquals(1, relay.switchboard().queuedFrames());

            relay.switchboard().linkStatus(LinkColour.RED);

            for (WsTestClient c : clients) {
                assertEquals("RED", c.next("link").get("status").asText());
                assertEquals(CloseCode.LINK_RED.code(), c.closeCode());
                c.close();
            }
            assertEquals(0, relay.switchboard().queuedFrames(), "frames under revoked keys are flushed");

            // A new session is told at once and closed: no register, no relaying.
            try (WsTestClient refused = WsTestClient.connect(http, port)) {
                assertEquals("RED", refused.next("link").get("status").asText());
                assertEquals(CloseCode.LINK_RED.code(), refused.closeCode());
            }
            try (var res = http.newCall(new okhttp3.Request.Builder()
                    .url("http://127.0.0.1:" + port + "/stats").build()).execute()) {
                assertTrue(res.body().string().startsWith("{\"link_status\":\"RED\""));
            }

            relay.switchboard().linkStatus(LinkColour.GREEN);
            try (WsTestClient back = WsTestClient.register(http, port, "Soldier_0")) {
                back.assertAlive();
            }
        }
    }
}
