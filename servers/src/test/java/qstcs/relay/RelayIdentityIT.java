package qstcs.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import qstcs.testing.Await;
import org.junit.jupiter.api.io.TempDir;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.crypto.wire.CloseCode;
import qstcs.server.pki.LocalCa;

/**
 * The relay with device identity: wss:// with a certificate from the local CA, register checked
 * against the real KMS identity routes (token introspection over pinned TLS), revocation pushed.
 */
class RelayIdentityIT {

    @TempDir
    Path home;
    private RelayWithDeviceIdentity rig;
    private OkHttpClient pinned;
    private String wss;

    @BeforeEach
    void start() throws Exception {
        rig = new RelayWithDeviceIdentity(home);
        pinned = rig.pinned();
        wss = rig.wss();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** Who is online is the operator's to know: anonymous callers and devices get the figures only. */
    @Test
    void statsListOnlineDevicesToTheOperatorOnly() throws Exception {
        String alpha = rig.issueToken("Soldier_Alpha");
        try (WsTestClient a = rig.register("Soldier_Alpha", alpha)) {
            a.next("registered");
            String https = "https://127.0.0.1:" + rig.relay().port() + "/stats";
            JsonNode anonymous = statsAs(https, null);
            assertFalse(anonymous.has("online"), anonymous.toString());
            assertEquals(1, anonymous.get("online_count").asInt());
            assertFalse(statsAs(https, alpha).has("online"), "a device token does not list devices");
            assertFalse(statsAs(https, "f".repeat(64)).has("online"));
            assertEquals("[\"Soldier_Alpha\"]", statsAs(https, rig.operatorToken()).get("online").toString());
        }
    }

    private JsonNode statsAs(String url, String token) throws Exception {
        okhttp3.Request.Builder r = new okhttp3.Request.Builder().url(url);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        try (okhttp3.Response res = pinned.newCall(r.build()).execute()) {
            assertEquals(200, res.code());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body().string());
        }
    }

    @Test
    void aDeviceRegistersOnlyUnderItsOwnIdWithItsOwnToken() {
        String alpha = rig.issueToken("Soldier_Alpha");
        String bravo = rig.issueToken("Soldier_Bravo");
        try (WsTestClient a = rig.register("Soldier_Alpha", alpha)) {
            assertEquals("Soldier_Alpha", a.next("registered").get("device_id").asText());
            try (WsTestClient spoof = rig.register("Soldier_Bravo", alpha)) {
                JsonNode e = spoof.next("error");
                assertEquals("unauthorized", e.get("code").asText());
                assertFalse(e.toString().contains(alpha), "token echoed in an error frame");
            }
            try (WsTestClient none = rig.register("Soldier_Bravo", null)) {
                assertEquals("unauthorized", none.next("error").get("code").asText());
            }
            try (WsTestClient forged = rig.register("Soldier_Bravo", "f".repeat(64))) {
                assertEquals("unauthorized", forged.next("error").get("code").asText());
            }
            try (WsTestClient b = rig.register("Soldier_Bravo", bravo)) {
                assertEquals("Soldier_Bravo", b.next("registered").get("device_id").asText());
            }
        }
    }

    @Test
    void aRevokedDeviceIsDisconnectedByTheRevocationFeed() throws Exception {
        String alpha = rig.issueToken("Soldier_Alpha");
        try (WsTestClient a = rig.register("Soldier_Alpha", alpha)) {
            a.next("registered");
            Await.until("the relay's revocation long-poll is parked", rig::revocationFeedParked);
            assertEquals(200, rig.revoke("Soldier_Alpha"));
            int code = a.closed.get(Await.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertEquals(CloseCode.REVOKED.code(), code);
            assertEquals("revoked", a.next("error").get("code").asText());
        }
        try (WsTestClient again = rig.register("Soldier_Alpha", alpha)) {
            assertEquals("unauthorized", again.next("error").get("code").asText());
        }
    }

    @Test
    void clientsWithoutThePinnedCaOrWithPlainWsGetNowhere() throws Exception {
        OkHttpClient jdkDefault = new OkHttpClient();
        WsTestClient untrusted = WsTestClient.attempt(jdkDefault, wss);
        CompletionException e = assertThrows(CompletionException.class,
                () -> untrusted.opened.orTimeout(10, TimeUnit.SECONDS).join());
        assertTrue(e.getCause() instanceof javax.net.ssl.SSLHandshakeException, e.getCause().toString());

        PinnedCaTrust otherCa = PinnedCaTrust.of(LocalCa.create(Clock.systemUTC()).fingerprint());
        OkHttpClient wrongPin = new OkHttpClient.Builder()
                .sslSocketFactory(otherCa.sslContext().getSocketFactory(), otherCa.trustManager()).build();
        WsTestClient mispinned = WsTestClient.attempt(wrongPin, wss);
        CompletionException e2 = assertThrows(CompletionException.class,
                () -> mispinned.opened.orTimeout(10, TimeUnit.SECONDS).join());
        assertTrue(String.valueOf(e2.getCause().getMessage()).contains("pinned QSTCS CA")
                || String.valueOf(e2.getCause().getCause()).contains("pinned QSTCS CA"), e2.getCause().toString());

        WsTestClient plain = WsTestClient.attempt(pinned, "ws://127.0.0.1:" + rig.relay().port() + "/");
        assertThrows(CompletionException.class, () -> plain.opened.orTimeout(10, TimeUnit.SECONDS).join());
        jdkDefault.connectionPool().evictAll();
        wrongPin.connectionPool().evictAll();
    }

    /**
     * Re-enrolling a device ends the old token's relay session at once (revoked, not after the
     * relay's 30 s token cache) and the old token no longer registers; the new one does.
     */
    @Test
    void reEnrollmentRevokesTheOldTokenAndItsSessionAtOnce() throws Exception {
        String first = enroll("Soldier_Alpha");
        try (WsTestClient a = rig.register("Soldier_Alpha", first)) {
            a.next("registered");
            String second = enroll("Soldier_Alpha");
            assertEquals(CloseCode.REVOKED.code(), (int) a.closed.get(5, TimeUnit.SECONDS));
            try (WsTestClient old = rig.register("Soldier_Alpha", first)) {
                assertEquals("unauthorized", old.next("error").get("code").asText());
            }
            try (WsTestClient fresh = rig.register("Soldier_Alpha", second)) {
                assertEquals("Soldier_Alpha", fresh.next("registered").get("device_id").asText());
            }
        }
    }

    /** A one-time code from the operator, redeemed the way the chat window's join dialog does. */
    private String enroll(String deviceId) throws Exception {
        String json = "{\"device_id\":\"" + deviceId + "\"}";
        String code;
        try (var r = pinned.newCall(new Request.Builder().url(rig.kmsUrl("/admin/enrollments"))
                .header("Authorization", "Bearer " + rig.operatorToken())
                .post(okhttp3.RequestBody.create(json, okhttp3.MediaType.get("application/json"))).build()).execute()) {
            assertEquals(200, r.code());
            code = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body().string()).get("code").asText();
        }
        String redeem = "{\"device_id\":\"" + deviceId + "\",\"code\":\"" + code + "\"}";
        try (var r = pinned.newCall(new Request.Builder().url(rig.kmsUrl("/enroll"))
                .post(okhttp3.RequestBody.create(redeem, okhttp3.MediaType.get("application/json"))).build()).execute()) {
            assertEquals(200, r.code());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body().string()).get("device_token").asText();
        }
    }
}
