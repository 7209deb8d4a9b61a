package qstcs.relay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.crypto.wire.CloseCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol of docs/relay-protocol.md against a real relay on an ephemeral port, with OkHttp clients. */
class RelayProtocolIT {

    private static final OkHttpClient http = WsTestClient.HTTP;
    private RelayServer relay;
    private int port;

    @BeforeEach
    void start() {
        relay = RelayServer.start(RelaySettings.loopbackForTests().withLimits(
                RelayLimits.DEFAULT.withQueue(3, 1024 * 1024, Duration.ofMinutes(10))));
        port = relay.port();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void registerListsOnlineDevicesAndAnnouncesPresence() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha")) {
            alpha.send("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\"}");
            alpha.error(ErrorCode.ALREADY_REGISTERED);
            try (WsTestClient bravo = WsTestClient.connect(http, port)) {
                bravo.send("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\",\"token\":\"t\"}");
                JsonNode registered = bravo.next("registered");
                assertEquals("[\"Soldier_Alpha\",\"Soldier_Bravo\"]", registered.get("online").toString());
                JsonNode presence = alpha.next("presence");
                assertEquals("Soldier_Bravo", presence.get("device_id").asText());
                assertTrue(presence.get("online").asBoolean());
            }
            JsonNode gone = alpha.next("presence");
            assertEquals("Soldier_Bravo", gone.get("device_id").asText());
            assertEquals(false, gone.get("online").asBoolean());
        }
    }

    @Test
    void relaysFramesUnchangedBothWaysAndAcknowledges() {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
            // Field order, spacing and unknown fields must survive byte for byte.
            String toBravo = "{ \"type\":\"chat\", \"id\":\"m-1\",\"sender\":\"Soldier_Alpha\",\"recipient\":\"Soldier_Bravo\","
                    + "\"nonce\":\"00ff\",\"ciphertext\":\"c0ffee\",\"extra\":{\"nested\":[1,2,{\"x\":null}]}}";
            alpha.send(toBravo);
            assertEquals("delivered", alpha.next("ack").get("status").asText());
            assertEquals(toBravo, nextRaw(bravo, "chat"));
            String toAlpha = WsTestClient.chat("m-2", "Soldier_Bravo", "Soldier_Alpha", "beef");
            bravo.send(toAlpha);
            JsonNode ack = bravo.next("ack");
            assertEquals("m-2", ack.get("id").asText());
            assertEquals("delivered", ack.get("status").asText());
            assertEquals(toAlpha, nextRaw(alpha, "chat"));
            for (String type : List.of("receipt", "key_unavailable", "kem_init", "kem_resp")) {
                alpha.send("{\"type\":\"" + type + "\",\"id\":\"r-" + type + "\",\"sender\":\"Soldier_Alpha\","
                        + "\"recipient\":\"Soldier_Bravo\",\"ek\":\"aa\",\"ct\":\"bb\"}");
                assertEquals(type, bravo.next(type).get("type").asText());
            }
        }
    }

    /** The raw text of the next frame of {@code type}: proves the relay forwards it unchanged. */
    private static String nextRaw(WsTestClient c, String type) {
        while (true) {
            String s = c.nextText();
            if (s.contains("\"type\":\"" + type + "\"")) {
                return s;
            }
        }
    }

    @Test
    void broadcastReachesEveryoneElse() {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo");
             WsTestClient charlie = WsTestClient.register(http, port, "Soldier_Charlie")) {
            String frame = WsTestClient.chat("b-1", "Soldier_Alpha", "*", "ab");
            alpha.send(frame);
            JsonNode ack = alpha.next("ack");
            assertEquals(2, ack.get("delivered_to").asInt());
            assertEquals(frame, nextRaw(bravo, "chat"));
            assertEquals(frame, nextRaw(charlie, "chat"));
            alpha.assertAlive();
            assertTrue(alpha.drain(Duration.ofMillis(200)).stream().noneMatch(s -> s.contains("\"chat\"")),
                    "the sender must not receive its own broadcast");
        }
    }

    @Test
    void pingGetsPong() {
        try (WsTestClient c = WsTestClient.connect(http, port)) {
            c.send("{\"type\":\"ping\"}");
            assertEquals("{\"type\":\"pong\"}", c.nextText());
        }
    }

    @Test
    void spoofedSenderIsRejectedAndNotRelayed() {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
            alpha.send(WsTestClient.chat("s-1", "Soldier_Charlie", "Soldier_Bravo", "00"));
            JsonNode e = alpha.error(ErrorCode.SENDER_MISMATCH);
            assertEquals("s-1", e.get("id").asText());
            // A repeated sender field could let the relay and the recipient read different values.
            alpha.send("{\"type\":\"chat\",\"id\":\"s-2\",\"sender\":\"Soldier_Alpha\",\"recipient\":\"Soldier_Bravo\","
                    + "\"sender\":\"Soldier_Charlie\"}");
            alpha.error(ErrorCode.BAD_JSON);
            bravo.assertAlive();
            assertTrue(bravo.drain(Duration.ofMillis(300)).stream().noneMatch(s -> s.contains("\"chat\"")));
        }
    }

    @Test
    void secondConnectionWithSameIdReplacesTheFirst() {
        try (WsTestClient first = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo");
             WsTestClient second = WsTestClient.register(http, port, "Soldier_Alpha")) {
            first.error(ErrorCode.REPLACED);
            assertEquals(CloseCode.REPLACED.code(), first.closeCode());
            bravo.send(WsTestClient.chat("x-1", "Soldier_Bravo", "Soldier_Alpha", "01"));
            assertEquals("delivered", bravo.next("ack").get("status").asText());
            assertEquals("x-1", second.next("chat").get("id").asText());
            assertEquals(List.of("Soldier_Alpha", "Soldier_Bravo"), List.copyOf(relay.switchboard().online()));
        }
    }

    @Test
    void framesForOfflineRecipientAreDeliveredInOrderOnRegister() {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha")) {
            for (int i = 1; i <= 3; i++) {
                alpha.send(WsTestClient.chat("q-" + i, "Soldier_Alpha", "Soldier_Bravo", "0" + i));
                JsonNode ack = alpha.next("ack");
                assertEquals("q-" + i, ack.get("id").asText());
                assertEquals("queued", ack.get("status").asText());
            }
            try (WsTestClient bravo = WsTestClient.connect(http, port)) {
                bravo.send("{\"type\":\"register\",\"device_id\":\"Soldier_Bravo\"}");
                assertTrue(bravo.nextText().contains("\"registered\""), "registered comes first");
                for (int i = 1; i <= 3; i++) {
                    assertEquals(WsTestClient.chat("q-" + i, "Soldier_Alpha", "Soldier_Bravo", "0" + i), bravo.nextText());
                }
                // The sender learns each queued frame was finally delivered.
                for (int i = 1; i <= 3; i++) {
                    JsonNode ack = alpha.next("ack");
                    assertEquals("q-" + i, ack.get("id").asText());
                    assertEquals("delivered", ack.get("status").asText());
                }
            }
            assertEquals(0, relay.switchboard().queuedFrames());
            assertEquals(0, relay.switchboard().queuedBytes());
        }
    }

    @Test
    void queueOverflowDropsOldestAndNamesItToTheSender() {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha")) {
            for (int i = 1; i <= 5; i++) {
                alpha.send(WsTestClient.chat("o-" + i, "Soldier_Alpha", "Soldier_Bravo", "0" + i));
            }
            // Queue bound is 3 frames: o-1 and o-2 are dropped, each named in an error.
            assertEquals("o-1", alpha.error(ErrorCode.QUEUE_OVERFLOW).get("id").asText());
            assertEquals("o-2", alpha.error(ErrorCode.QUEUE_OVERFLOW).get("id").asText());
            try (WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
                for (int i = 3; i <= 5; i++) {
                    assertEquals("o-" + i, bravo.next("chat").get("id").asText());
                }
                bravo.assertAlive();
                assertTrue(bravo.drain(Duration.ofMillis(200)).stream().noneMatch(s -> s.contains("\"chat\"")));
            }
            assertEquals(2, relay.switchboard().stats().framesDropped.sum());
        }
    }

    @Test
    void vanishedClientGoesOfflineAndItsFramesAreQueued() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha")) {
            WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo");
            alpha.next("presence");
            bravo.close(); // no close frame: the socket just goes away
            JsonNode gone = alpha.next("presence");
            assertEquals(false, gone.get("online").asBoolean());
            alpha.send(WsTestClient.chat("v-1", "Soldier_Alpha", "Soldier_Bravo", "01"));
            assertEquals("queued", alpha.next("ack").get("status").asText());
        }
    }

    @Test
    void statsShowsOnlineDevicesAndCounters() throws Exception {
        try (WsTestClient alpha = WsTestClient.register(http, port, "Soldier_Alpha");
             WsTestClient bravo = WsTestClient.register(http, port, "Soldier_Bravo")) {
            alpha.send(WsTestClient.chat("c-1", "Soldier_Alpha", "Soldier_Bravo", "01"));
            bravo.next("chat");
            try (var res = http.newCall(new okhttp3.Request.Builder()
                    .url("http://127.0.0.1:" + port + "/stats").build()).execute()) {
                assertEquals(200, res.code());
                JsonNode stats = WsTestClient.JSON.readTree(res.body().string());
                assertEquals("[\"Soldier_Alpha\",\"Soldier_Bravo\"]", stats.get("online").toString());
                assertEquals(1, stats.get("frames_relayed").asLong());
                assertTrue(res.header("Content-Type").startsWith("application/json"));
            }
            try (var res = http.newCall(new okhttp3.Request.Builder()
                    .url("http://127.0.0.1:" + port + "/observe/metrics").build()).execute()) {
                assertEquals(200, res.code());
                assertTrue(res.body().string().contains("qstcs_relay_frames_relayed_total{port=\"" + port + "\""));
            }
            try (var res = http.newCall(new okhttp3.Request.Builder()
                    .url("http://127.0.0.1:" + port + "/observe/health").build()).execute()) {
                assertTrue(res.isSuccessful());
            }
        }
    }

    @Test
    void unknownHttpRoutesAnswerAJson404NotA500() throws Exception {
        // e.g. a soldier who typed the relay's address into the KMS field
        for (String path : List.of("/link_status", "/get_session_key", "/keys/abc")) {
            try (var res = http.newCall(new okhttp3.Request.Builder()
                    .url("http://127.0.0.1:" + port + path).build()).execute()) {
                assertEquals(404, res.code(), path);
                assertEquals("not_found", WsTestClient.JSON.readTree(res.body().string()).get("error").asText(), path);
            }
        }
    }

    @Test
    void aWrongMethodOnAKnownRouteIsA405FromTheRouteTable() throws Exception {
        for (String path : List.of("/stats", "/")) {
            try (var res = http.newCall(new okhttp3.Request.Builder().url("http://127.0.0.1:" + port + path)
                    .post(okhttp3.RequestBody.create("{}", okhttp3.MediaType.get("application/json"))).build()).execute()) {
                assertEquals(405, res.code(), path);
                assertEquals("GET", res.header("Allow"), path);
                assertEquals("method_not_allowed", WsTestClient.JSON.readTree(res.body().string()).get("error").asText(), path);
            }
        }
    }
}
