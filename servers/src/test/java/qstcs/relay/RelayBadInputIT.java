package qstcs.relay;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.OkHttpClient;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import qstcs.crypto.wire.CloseCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and broken input against a real relay: every bad frame gets an error frame (or, for a
 * flood or an oversized wire frame, a close of that client only), and a bystander pair keeps
 * chatting throughout.
 */
class RelayBadInputIT {

    private static final OkHttpClient http = WsTestClient.HTTP;
    private RelayServer relay;
    private int port;
    private WsTestClient alpha;
    private WsTestClient bravo;

    @BeforeEach
    void start() {
        relay = RelayServer.start(RelaySettings.loopbackForTests());
        port = relay.port();
        alpha = WsTestClient.register(http, port, "Soldier_Alpha");
        bravo = WsTestClient.register(http, port, "Soldier_Bravo");
    }

    @AfterEach
    void stop() {
        alpha.close();
        bravo.close();
        relay.close();
    }

    /** The bystanders still exchange a frame both ways. */
    private void bystandersStillChat(String tag) {
        alpha.send(WsTestClient.chat(tag + "-ab", "Soldier_Alpha", "Soldier_Bravo", "01"));
        bravo.nextWithId(tag + "-ab");
        bravo.send(WsTestClient.chat(tag + "-ba", "Soldier_Bravo", "Soldier_Alpha", "02"));
        alpha.nextWithId(tag + "-ba");
    }

    /**
     * A large frame before register is refused without being read: worst-case JSON (thousands of
     * keys) or garbage alike gets not_registered, and the client may still register afterwards.
     */
    @Test
    void largeFramesBeforeRegisterAreRefusedUnread() {
        StringBuilder keys = new StringBuilder("{\"type\":\"register\",\"device_id\":\"Soldier_Mallory\"");
        for (int k = 0; keys.length() < 60_000; k++) {
            keys.append(",\"k").append(k).append("\":0");
        }
        String manyKeys = keys.append('}').toString();
        try (WsTestClient mallory = WsTestClient.connect(http, port)) {
            for (String frame : new String[] {manyKeys, "x".repeat(FrameReader.MAX_UNREGISTERED_FRAME + 1)}) {
                mallory.send(frame);
                JsonNode e = mallory.next("error");
                assertEquals("not_registered", e.get("code").asText());
                assertTrue(e.get("message").asText().contains("at most " + FrameReader.MAX_UNREGISTERED_FRAME), e.toString());
            }
            mallory.send("{\"type\":\"register\",\"device_id\":\"Soldier_Mallory\"}");
            mallory.next("registered");
        }
        bystandersStillChat("large-unregistered");
    }

    /** A WebSocket ping gets a pong with the same payload, before and after register. */
    @Test
    void pingsGetPongs() throws Exception {
        try (RawWsClient raw = new RawWsClient(port)) {
            raw.send(0x9, "are you there".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            RawWsClient.Frame pong = raw.next(0xA);
            assertTrue(pong != null, "a pong");
            assertEquals("are you there", pong.text());
            raw.sendText("{\"type\":\"register\",\"device_id\":\"Soldier_Pinger\"}");
            raw.send(0x9, new byte[0]);
            assertEquals(0, raw.next(0xA).payload().length);
        }
        bystandersStillChat("ping");
    }

    /**
     * Broken WebSocket framing ends only that client, with the RFC 6455 close code and a fixed
     * reason: invalid UTF-8 in a text frame gets 1007, a close frame with a one-byte payload
     * (half a close code) gets 1002, not 1011 with the server's exception text.
     */
    @Test
    void brokenFramingGetsTheProtocolsCloseCodes() throws Exception {
        try (RawWsClient raw = new RawWsClient(port)) {
            raw.send(0x1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
            assertClose(raw.next(0x8), 1007, "text frames must be valid UTF-8");
        }
        try (RawWsClient raw = new RawWsClient(port)) {
            raw.send(0x8, new byte[] {3});
            assertClose(raw.next(0x8), 1002, "malformed WebSocket frame");
        }
        bystandersStillChat("framing");
    }

    /**
     * Opcodes RFC 6455 reserves (0x3-0x7 data, 0xB-0xF control) end the connection with 1002 and
     * nothing after the close frame: no HTTP 500 response written into the WebSocket stream.
     */
    @Test
    void reservedOpcodesGetAProtocolErrorClose() throws Exception {
        for (int opcode : new int[] {0x3, 0x7, 0xB, 0xF}) {
            try (RawWsClient raw = new RawWsClient(port)) {
                raw.send(opcode, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                RawWsClient.Frame close = raw.next();
                assertTrue(close != null && close.opcode() == 0x8, "opcode " + opcode + ": a close frame first, got "
                        + (close == null ? "end of stream" : new String(close.payload(),
                        java.nio.charset.StandardCharsets.ISO_8859_1)));
                assertClose(close, 1002, FramingCheckedUpgrade.REASON);
                assertEquals(null, raw.next(), "opcode " + opcode + ": nothing after the close frame");
            }
        }
        bystandersStillChat("opcode");
    }

    private static void assertClose(RawWsClient.Frame close, int code, String reason) {
        assertTrue(close != null, "a close frame");
        byte[] p = close.payload();
        assertEquals(code, (p[0] & 0xff) << 8 | (p[1] & 0xff));
        assertEquals(reason, new String(p, 2, p.length - 2, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The rate belongs to the device, not to its connection: a device that spent its burst and
     * reconnects finds its bucket still (nearly) empty instead of a fresh one.
     */
    @Test
    void reconnectingDoesNotResetADevicesRate() {
        try (RelayServer slow = RelayServer.start(RelaySettings.loopbackForTests()
                .withLimits(RelayLimits.DEFAULT.withRate(1, 10)))) {
            try (WsTestClient first = WsTestClient.register(http, slow.port(), "Soldier_Hasty")) {
                assertTrue(pingsRefused(first, 11) >= 1, "the burst of 10 is spent");
            }
            try (WsTestClient again = WsTestClient.register(http, slow.port(), "Soldier_Hasty")) {
                // A fresh bucket would answer all 9; one token per second may have come back
                // while reconnecting.
                int refused = pingsRefused(again, 9);
                assertTrue(refused >= 5, "only " + refused + " of 9 refused after a reconnect");
            }
        }
    }

    /**
     * Sends {@code n} pings and counts those not answered with a pong: rate_limited errors, and
     * all still unanswered when the relay closes the connection for flooding.
     */
    private static int pingsRefused(WsTestClient c, int n) {
        for (int i = 0; i < n; i++) {
            // Not c.send: the relay may already have closed the connection for flooding.
            c.socket().send("{\"type\":\"ping\"}");
        }
        int pongs = 0;
        for (int i = 0; i < n; i++) {
            String reply;
            try {
                reply = c.nextText();
            } catch (AssertionError noMoreFrames) {
                assertTrue(c.closed.isDone(), "neither a reply nor a close");
                break;
            }
            if (reply.contains("\"type\":\"pong\"")) {
                pongs++;
            }
        }
        return n - pongs;
    }

    @Test
    void malformedFramesGetErrorsAndTheConnectionStaysOpen() {
        try (WsTestClient mallory = WsTestClient.connect(http, port)) {
            String[][] cases = {
                {"this is not json", "bad_json"},
                {"{\"type\":\"chat\"", "bad_json"},
                {"{\"type\":\"ping\"} trailing", "bad_json"},
                {"", "bad_json"},
                {"[1,2,3]", "not_object"},
                {"42", "not_object"},
                {"\"register\"", "not_object"},
                {"{\"type\":\"chat\",\"id\":\"m1\",\"sender\":\"X\",\"recipient\":\"Soldier_Bravo\"}", "not_registered"},
                {"{\"type\":\"register\"}", "missing_field"},
                {"{\"type\":\"register\",\"device_id\":\"bad id with spaces\"}", "bad_field"},
                {"{\"type\":\"register\",\"device_id\":42}", "bad_field"},
                {"{\"device_id\":\"Soldier_Mallory\"}", "missing_field"},
                {"{\"type\":\"teleport\",\"id\":\"t1\"}", "unknown_type"},
            };
            for (String[] c : cases) {
                mallory.send(c[0]);
                JsonNode e = mallory.next("error");
                assertEquals(c[1], e.get("code").asText(), "for input " + c[0]);
                assertTrue(e.get("message").asText().length() > 5, "errors explain themselves");
            }
            mallory.send("{\"type\":\"register\",\"device_id\":\"Soldier_Mallory\"}");
            mallory.next("registered");
            String[][] registered = {
                {"{\"type\":\"chat\",\"id\":\"m2\",\"sender\":\"Soldier_Mallory\"}", "missing_field"},
                {"{\"type\":\"chat\",\"sender\":\"Soldier_Mallory\",\"recipient\":\"Soldier_Bravo\"}", "missing_field"},
                {"{\"type\":\"chat\",\"id\":\"m3\",\"sender\":\"Soldier_Mallory\",\"recipient\":\"a b\"}", "bad_field"},
                {"{\"type\":\"chat\",\"id\":{\"a\":1},\"sender\":\"Soldier_Mallory\",\"recipient\":\"Soldier_Bravo\"}", "bad_field"},
                {"{\"type\":\"chat\",\"id\":\"with space\",\"sender\":\"Soldier_Mallory\",\"recipient\":\"Soldier_Bravo\"}", "bad_field"},
                {"{\"type\":[\"chat\"]}", "bad_field"},
            };
            for (String[] c : registered) {
                mallory.send(c[0]);
                assertEquals(c[1], mallory.next("error").get("code").asText(), "for input " + c[0]);
            }
            mallory.assertAlive();
            bystandersStillChat("malformed");
            assertTrue(bravo.drain(Duration.ofMillis(200)).stream().noneMatch(s -> s.contains("Soldier_Mallory\",\"recipient")),
                    "nothing malformed was relayed");
        }
    }

    @Test
    void binaryFramesAreRefused() {
        try (WsTestClient mallory = WsTestClient.connect(http, port)) {
            mallory.socket().send(ByteString.of(new byte[] {1, 2, 3}));
            mallory.error(ErrorCode.BINARY_UNSUPPORTED);
            mallory.assertAlive();
            bystandersStillChat("binary");
        }
    }

    @Test
    void hugeFramesAreRefusedAndGiganticOnesCloseOnlyThatClient() {
        try (WsTestClient mallory = WsTestClient.register(http, port, "Soldier_Mallory")) {
            String big = WsTestClient.chat("h-1", "Soldier_Mallory", "Soldier_Bravo", "ab".repeat(40_000));
            mallory.send(big);
            mallory.error(ErrorCode.FRAME_TOO_LARGE);
            mallory.assertAlive();
            // Above Helidon's wire limit (1 MiB) the connection itself is closed (1009, too big).
            mallory.send("x".repeat(2 * 1024 * 1024));
            int code = mallory.closeCode();
            assertTrue(code == CloseCode.TOO_BIG.code() || code == -1, "closed, code " + code);
            bystandersStillChat("huge");
            assertTrue(bravo.drain(Duration.ofMillis(200)).stream().noneMatch(s -> s.contains("h-1")));
        }
    }

    @Test
    void floodingClientIsRateLimitedThenClosedWhileOthersKeepWorking() throws Exception {
        try (WsTestClient mallory = WsTestClient.register(http, port, "Soldier_Mallory")) {
            bravo.drain(Duration.ofMillis(100));
            // 10,000 frames within about a second, far beyond the 500/s (burst 1,000) limit.
            long start = System.nanoTime();
            int sent = 0;
            for (int i = 0; i < 10_000; i++) {
                if (!mallory.socket().send(WsTestClient.chat("f-" + i, "Soldier_Mallory", "Soldier_Bravo", "00"))) {
                    break;
                }
                sent++;
                if (i % 1000 == 999) {
                    long due = start + (i + 1) * 100_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            // The relay closes a flood only after the burst (1,000) plus more than 500 rejected frames
            // in a second, so at least 1,501 frames went out; how many more the client queued before
            // the close frame reached it depends only on how fast the relay reads (it now reads
            // without ever waiting for a write, so the close can come after the first 2,000).
            assertTrue(sent > 1500, "the flood got going (" + sent + " frames)");
            mallory.error(ErrorCode.RATE_LIMITED);
            assertEquals(CloseCode.POLICY.code(), mallory.closeCode());
            bystandersStillChat("flood");
            long relayed = bravo.drain(Duration.ofMillis(300)).stream().filter(s -> s.contains("\"f-")).count();
            assertTrue(relayed <= 1000 + 500 * 3, "rate limit held: " + relayed + " flood frames relayed");
            assertFalse(relay.switchboard().online().contains("Soldier_Mallory"));
        }
    }
}
