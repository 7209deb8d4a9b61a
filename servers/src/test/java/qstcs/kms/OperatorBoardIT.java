package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import qstcs.testing.Await;

/**
 * The operator's monitoring and management routes against a real KMS: history with markers,
 * alarms that outlive a reset until acknowledged (who and when audited), SAE certificates issued
 * and revoked, devices with last_seen. Bad input is 400 and changes nothing; only the operator
 * token is let in.
 */
class OperatorBoardIT {
    private static KmsTestServer kms;

    @BeforeAll
    static void start() throws Exception {
        kms = new KmsTestServer(KmsTestServer.tempHome(), Map.of());
        kms.awaitPool(256);
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    private static List<String> kinds(JsonNode markers) {
        return markers.findValues("kind").stream().map(JsonNode::asText).toList();
    }

    private static KmsTestServer.Reply as(String token, String method, String path, String json) {
        Request.Builder b = new Request.Builder().url(kms.tlsUrl(path))
                .method(method, json == null ? null : RequestBody.create(json, KmsTestServer.JSON));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return KmsTestServer.call(kms.https, b.build());
    }

    @Test
    void aBreachAlarmOutlivesResetUntilAnOperatorAcknowledgesIt() {
        assertEquals(200, kms.post("/force_attack", "").code());
        var alarms = Await.value("an alarm", () -> kms.get("/admin/alarms"),
                r -> r.json().get("unacknowledged").asLong() >= 1);
        JsonNode alarm = alarms.json().get("alarms").get(0);
        long id = alarm.get("id").asLong();
        assertEquals("forced_attack", alarm.get("kind").asText());
        assertTrue(alarm.get("acknowledged_by").isNull());
        var status = kms.get("/link_status");
        long total = status.json().get("breaches_total").asLong();
        assertTrue(total >= 1);

        assertEquals(200, kms.post("/reset", "").code());
        status = kms.get("/link_status");
        assertEquals(0, status.json().get("attacks_detected").asLong(), "the since-reset count is cleared");
        assertEquals(total, status.json().get("breaches_total").asLong(), "the cumulative count survives reset");
        assertFalse(kms.get("/admin/alarms").json().get("alarms").get(0).get("acknowledged").asBoolean(),
                "a reset acknowledges nothing");

        // Bad input: 400 (or 404 for no such alarm), and the alarm stays unacknowledged.
        assertEquals(400, kms.post("/admin/alarms/abc/ack", "{}").code());
        assertEquals(400, kms.post("/admin/alarms/0/ack", "{}").code());
        assertEquals(400, kms.post("/admin/alarms/" + id + "/ack", "{\"note\":5}").code());
        assertEquals(400, kms.post("/admin/alarms/" + id + "/ack", "{\"who\":\"me\"}").code());
        assertEquals(400, kms.post("/admin/alarms/" + id + "/ack", "{\"note\":\"a\\u0007b\"}").code());
        assertEquals(404, kms.post("/admin/alarms/99999/ack", "{}").code());
        // Only the operator.
        assertEquals(401, as(null, "POST", "/admin/alarms/" + id + "/ack", "{}").code());
        assertEquals(403, as(kms.deviceToken("Soldier_Alpha"), "POST", "/admin/alarms/" + id + "/ack", "{}").code());
        assertEquals(403, as(kms.serviceToken("relay.token"), "GET", "/admin/alarms", null).code());
        assertEquals(1, kms.get("/admin/alarms").json().get("unacknowledged").asLong(), "nothing changed");

        var ack = kms.post("/admin/alarms/" + id + "/ack", "{\"note\":\"checked the fibre\"}");
        assertEquals(200, ack.code(), ack.body());
        assertTrue(ack.text("acknowledged_by").startsWith("operator"), ack.body());
        assertFalse(ack.json().get("acknowledged_at").isNull());
        assertEquals(0, kms.get("/admin/alarms").json().get("unacknowledged").asLong());
        var again = kms.post("/admin/alarms/" + id + "/ack", "{}");
        assertEquals(409, again.code());
        assertEquals("already_acknowledged", again.text("error"));

        var audit = Await.value("the acknowledgement in the audit log", () -> kms.get("/admin/audit?limit=50"),
                r -> r.body().contains("alarm_acknowledged"));
        JsonNode entry = null;
        for (JsonNode e : audit.json().get("entries")) {
            if (e.get("kind").asText().equals("alarm_acknowledged")) {
                entry = e;
            }
        }
        assertTrue(entry.get("actor").asText().startsWith("operator"), entry.toString());
        assertTrue(entry.get("detail").asText().contains("checked the fibre"), entry.toString());
        assertEquals(1, audit.body().split("alarm_acknowledged", -1).length - 1, "audited once");

        var history = kms.get("/admin/history?range=5m");
        assertEquals(200, history.code());
        List<String> kinds = kinds(history.json().get("markers"));
        assertTrue(kinds.containsAll(List.of("start", "forced_attack", "reset")), kinds.toString());
    }

    @Test
    void historyAnswersEachRangeAndRefusesOthers() {
        Await.until("a sample", () -> kms.get("/admin/history?range=5m").json().get("samples").size() > 0);
        for (String range : List.of("5m", "1h", "all")) {
            var r = kms.get("/admin/history?range=" + range);
            assertEquals(200, r.code(), r.body());
            assertEquals(range, r.text("range"));
            JsonNode s = r.json().get("samples").get(0);
            for (String f : List.of("at", "qber", "key_rate_bps", "pool_bits", "status")) {
                assertTrue(s.has(f), f);
            }
        }
        assertEquals("1h", kms.get("/admin/history").text("range"), "one hour by default");
        for (String bad : List.of("5", "2h", "ALL", "", "5m%00")) {
            var r = kms.get("/admin/history?range=" + bad);
            assertEquals(400, r.code(), bad);
            assertEquals("invalid_parameter", r.text("error"));
        }
        assertEquals(403, as(kms.deviceToken("Soldier_Alpha"), "GET", "/admin/history", null).code());
        assertEquals(401, as(null, "GET", "/admin/history", null).code());
    }

    @Test
    void saeCertificatesAreIssuedAsAFileAndRevoked() {
        int before = kms.get("/admin/sae-certs").json().get("certificates").size();
        for (String bad : List.of("{}", "{\"sae_id\":\"../etc\"}", "{\"sae_id\":\"\"}", "{\"sae_id\":7}",
                "{\"sae_id\":\"sae-a\",\"extra\":1}", "not json")) {
            assertEquals(400, kms.post("/admin/sae-certs", bad).code(), bad);
        }
        assertEquals(403, as(kms.deviceToken("Soldier_Alpha"), "POST", "/admin/sae-certs", "{\"sae_id\":\"sae-x\"}").code());
        assertEquals(before, kms.get("/admin/sae-certs").json().get("certificates").size(), "nothing issued");

        var issued = kms.post("/admin/sae-certs", "{\"sae_id\":\"sae-alpha\"}");
        assertEquals(200, issued.code(), issued.contentType());
        assertEquals("application/x-pem-file", issued.contentType());
        assertTrue(issued.body().startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(issued.body().contains("-----BEGIN CERTIFICATE-----"));
        var list = kms.get("/admin/sae-certs").json().get("certificates");
        assertEquals(before + 1, list.size());
        JsonNode cert = list.get(list.size() - 1);
        assertEquals("sae-alpha", cert.get("sae_id").asText());
        assertFalse(cert.get("revoked").asBoolean());

        assertEquals(400, kms.request("DELETE", "/admin/sae-certs/bad%20id", null).code());
        assertEquals(404, kms.request("DELETE", "/admin/sae-certs/sae-nobody", null).code());
        assertEquals(403, as(kms.serviceToken("relay.token"), "DELETE", "/admin/sae-certs/sae-alpha", null).code());
        assertFalse(kms.get("/admin/sae-certs").json().get("certificates").get(list.size() - 1).get("revoked").asBoolean());
        var revoked = kms.request("DELETE", "/admin/sae-certs/sae-alpha", null);
        assertEquals(200, revoked.code(), revoked.body());
        assertEquals(1, revoked.json().get("revoked").asInt());
        assertTrue(kms.get("/admin/sae-certs").json().get("certificates").get(list.size() - 1).get("revoked").asBoolean());

        var audit = Await.value("issue and revoke audited", () -> kms.get("/admin/audit?limit=100"),
                r -> r.body().contains("sae_certificate_revoked"));
        assertTrue(audit.body().contains("sae_certificate_issued"));
        assertFalse(audit.body().contains("PRIVATE KEY"), "the key never reaches the audit log");
    }

    @Test
    void devicesShowWhenTheyWereLastSeen() {
        kms.deviceToken("Soldier_Seen");
        kms.deviceToken("Soldier_Quiet");
        assertEquals(200, kms.key("Soldier_Seen", "Soldier_Quiet").code());
        JsonNode seen = null;
        JsonNode quiet = null;
        for (JsonNode d : kms.get("/admin/devices").json().get("devices")) {
            if (d.get("device_id").asText().equals("Soldier_Seen")) {
                seen = d;
            } else if (d.get("device_id").asText().equals("Soldier_Quiet")) {
                quiet = d;
            }
        }
        assertFalse(seen.get("last_seen").isNull(), seen.toString());
        assertTrue(quiet.get("last_seen").isNull(), quiet.toString());
    }
}
