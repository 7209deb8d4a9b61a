package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qstcs.crypto.tls.CaFingerprint;
import qstcs.crypto.tls.PinnedCaTrust;
import qstcs.kms.store.PostgresCluster;
import qstcs.server.pki.LocalCa;
import qstcs.testing.Await;
import qstcs.testing.KmsProcess;

/**
 * The operator's board is one truth across two real KMS processes on one real PostgreSQL
 * database: an alarm the leader raises is listed at the standby, an acknowledgement made at the
 * standby is the leader's too (audited once, announced to the leader's event streams, never
 * undone by the leader's writes), the standby's charts show the leader's samples, and after
 * {@code kill -9} of the leader the new leader keeps the old alarms and numbers its own after them.
 */
class SharedBoardIT {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path home;
    private PostgresCluster postgres;
    private String dbUrl;
    private final List<KmsProcess> processes = new ArrayList<>();
    private OkHttpClient http;
    private final List<EventSource> streams = new ArrayList<>();
    private String operator;

    @BeforeEach
    void startDatabase() throws Exception {
        postgres = PostgresCluster.startOrSkip("board shared by two KMS processes (SharedBoardIT)");
        dbUrl = postgres.createDatabase("kms");
    }

    @AfterEach
    void stopAll() throws Exception {
        streams.forEach(EventSource::cancel);
        for (KmsProcess p : processes) {
            p.close();
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private KmsProcess startKms(String instance) throws Exception {
        KmsProcess kms = KmsProcess.start(home, Map.of("PGPASSWORD", postgres.password()),
                "--round-ms", "200", "--qubits", "4096", "--db", dbUrl, "--instance", instance);
        processes.add(kms);
        if (http == null) {
            PinnedCaTrust trust = PinnedCaTrust.of(CaFingerprint.of(LocalCa.readCertificate(home.resolve("kms"))));
            http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(40))
                    .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager()).build();
            operator = Files.readString(home.resolve("kms").resolve("operator.token")).strip();
        }
        return kms;
    }

    /** A leader with samples on its charts, then a standby started after it. */
    private KmsProcess[] leaderAndStandby() throws Exception {
        KmsProcess a = startKms("kms-a");
        Await.until("the leader draws samples", () -> get(a, "/admin/history?range=5m").get("samples").size() >= 2);
        KmsProcess b = startKms("kms-b");
        return new KmsProcess[] {a, b};
    }

    @Test
    void theStandbyListsTheLeadersAlarmsAndHistoryAndAcknowledgesForEveryProcess() throws Exception {
        KmsProcess[] ab = leaderAndStandby();
        KmsProcess a = ab[0];
        KmsProcess b = ab[1];
        Instant standbyUp = Instant.now();

        // The leader's charts reach the standby, which runs no rounds itself.
        Await.until("the standby draws the leader's samples taken after its own start", () -> {
            JsonNode samples = get(b, "/admin/history?range=5m").get("samples");
            return samples.size() > 0 && Instant.parse(samples.get(samples.size() - 1).get("at").asText())
                    .isAfter(standbyUp.plusSeconds(1));
        });

        BlockingQueue<JsonNode> alarmsAtLeader = alarmEvents(a);
        assertEquals(200, postCode(a, "/force_attack"));
        long id = Await.value("the alarm at the leader", () -> get(a, "/admin/alarms"),
                r -> r.get("unacknowledged").asLong() == 1).get("alarms").get(0).get("id").asLong();
        JsonNode atStandby = Await.value("the leader's alarm listed at the standby", () -> get(b, "/admin/alarms"),
                r -> r.get("unacknowledged").asLong() == 1);
        assertEquals(id, atStandby.get("alarms").get(0).get("id").asLong(), atStandby.toString());
        assertEquals("forced_attack", atStandby.get("alarms").get(0).get("kind").asText(), atStandby.toString());

        try (Response ack = post(b, "/admin/alarms/" + id + "/ack", "{\"note\":\"checked at the standby\"}")) {
            String body = ack.body().string();
            assertEquals(200, ack.code(), body);
            assertTrue(MAPPER.readTree(body).get("acknowledged").asBoolean(), body);
        }
        JsonNode acked = Await.value("the acknowledgement at the leader", () -> get(a, "/admin/alarms"),
                r -> r.get("unacknowledged").asLong() == 0).get("alarms").get(0);
        assertEquals(id, acked.get("id").asLong());
        assertTrue(acked.get("acknowledged_by").asText().startsWith("operator"), acked.toString());
        JsonNode event = Await.value("an alarm event on the leader's stream", () -> {
            try {
                return alarmsAtLeader.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, e -> e != null && e.get("id").asLong() == id && e.get("acknowledged").asBoolean());
        assertEquals(acked.get("acknowledged_by").asText(), event.get("acknowledged_by").asText());
        try (Response again = post(a, "/admin/alarms/" + id + "/ack", "{}")) {
            assertEquals(409, again.code(), "acknowledged once, wherever the operator looks");
        }

        // The leader writes its board behind memory every second: once a later marker is stored,
        // anything it held about the alarm is stored too, and the acknowledgement is still there.
        assertEquals(200, postCode(a, "/reset"));
        Await.until("the reset's marker is stored", () -> count("SELECT count(*) FROM link_markers WHERE kind = 'reset'") == 1);
        assertEquals(1, count("SELECT count(*) FROM alarms WHERE id = " + id + " AND acknowledged_by IS NOT NULL"),
                "the leader's write-behind undid the acknowledgement made at the standby");

        List<JsonNode> audit = new ArrayList<>();
        get(a, "/admin/audit?limit=500").get("entries").forEach(audit::add);
        assertEquals(1, audit.stream().filter(e -> e.get("kind").asText().equals("alarm_acknowledged")
                && e.get("detail").asText().startsWith("alarm " + id + " ")).count(), audit.toString());
    }

    @Test
    void aNewLeaderKeepsTheOldLeadersAlarmsAndNumbersNewOnesAfterThem() throws Exception {
        KmsProcess[] ab = leaderAndStandby();
        KmsProcess a = ab[0];
        KmsProcess b = ab[1];

        assertEquals(200, postCode(a, "/force_attack"));
        Await.until("the leader's alarm is stored", () -> count("SELECT count(*) FROM alarms") == 1);
        long old = count("SELECT max(id) FROM alarms");
        long sampledBeforeKill = count("SELECT max(at_ms) FROM link_samples WHERE resolution = 'fine'");

        a.kill();
        Await.until("the standby leads (an operator reset succeeds there)", () -> postCode(b, "/reset") == 200);

        JsonNode alarms = get(b, "/admin/alarms");
        JsonNode kept = byId(alarms, old);
        assertEquals("forced_attack", kept.get("kind").asText(), kept.toString());
        assertFalse(kept.get("acknowledged").asBoolean(), kept.toString());
        JsonNode history = get(b, "/admin/history?range=5m");
        assertTrue(lastSampleAt(history) >= sampledBeforeKill, "the new leader continues the old leader's charts: "
                + history.get("samples"));

        assertEquals(200, postCode(b, "/force_attack"));
        JsonNode after = Await.value("the new leader's alarm", () -> get(b, "/admin/alarms"),
                r -> r.get("alarms").size() == 2);
        long fresh = after.get("alarms").get(0).get("id").asLong();
        assertNotEquals(old, fresh, after.toString());
        assertEquals(kept.get("raised_at").asText(), byId(after, old).get("raised_at").asText(), "the old alarm is untouched");
        Await.until("both alarms are stored", () -> count("SELECT count(*) FROM alarms") == 2);
        assertEquals(1, count("SELECT count(*) FROM alarms WHERE id = " + old + " AND kind = 'forced_attack'"
                + " AND raised_at_ms = " + Instant.parse(kept.get("raised_at").asText()).toEpochMilli()));
    }

    @Test
    void aProcessJoiningOnALatchedRedAddsNoAlarmForTheBreachAlreadyListed() throws Exception {
        KmsProcess a = startKms("kms-a");
        assertEquals(200, postCode(a, "/force_attack"));
        Await.until("the breach's alarm is stored", () -> count("SELECT count(*) FROM alarms") == 1);
        long breach = count("SELECT max(id) FROM alarms");
        try (Response ack = post(a, "/admin/alarms/" + breach + "/ack", "{}")) {
            assertEquals(200, ack.code());
        }

        // The link stays RED (latched) while a second process joins; then it takes the lead,
        // resets and forces an attack. Its alarms are written in order on one thread, so once the
        // forced attack's alarm is stored, any alarm its start raised is stored before it.
        KmsProcess b = startKms("kms-b");
        a.kill();
        Await.until("the second process leads (an operator reset succeeds there)", () -> postCode(b, "/reset") == 200);
        assertEquals(200, postCode(b, "/force_attack"));
        Await.until("the forced attack's alarm is stored",
                () -> count("SELECT count(*) FROM alarms WHERE kind = 'forced_attack' AND id > " + breach) == 1);
        assertEquals(0, count("SELECT count(*) FROM alarms WHERE kind = 'breach_latched'"),
                "a process joining the service raised a second alarm for a breach the operator had acknowledged");
        assertEquals(2, count("SELECT count(*) FROM alarms"));
    }

    private static long lastSampleAt(JsonNode history) {
        JsonNode samples = history.get("samples");
        return samples.isEmpty() ? 0 : Instant.parse(samples.get(samples.size() - 1).get("at").asText()).toEpochMilli();
    }

    private static JsonNode byId(JsonNode alarms, long id) {
        for (JsonNode a : alarms.get("alarms")) {
            if (a.get("id").asLong() == id) {
                return a;
            }
        }
        throw new AssertionError("alarm " + id + " is missing: " + alarms);
    }

    /** The {@code alarm} events of {@code kms}'s operator stream from now on. */
    private BlockingQueue<JsonNode> alarmEvents(KmsProcess kms) {
        BlockingQueue<JsonNode> out = new LinkedBlockingQueue<>();
        BlockingQueue<String> opened = new LinkedBlockingQueue<>();
        EventSource stream = EventSources.createFactory(http).newEventSource(new Request.Builder().url(kms.tlsUrl() + "/events")
                .header("Authorization", "Bearer " + operator).build(), new EventSourceListener() {
                    @Override
                    public void onOpen(EventSource es, Response response) {
                        opened.add("open");
                    }

                    @Override
                    public void onEvent(EventSource es, String id, String type, String data) {
                        if ("alarm".equals(type)) {
                            try {
                                out.add(MAPPER.readTree(data));
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }
                });
        streams.add(stream);
        Await.until("the event stream is open", () -> !opened.isEmpty());
        return out;
    }

    private long count(String sql) {
        try (Connection c = postgres.connect("kms"); PreparedStatement q = c.prepareStatement(sql);
             ResultSet rs = q.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status code of an operator's {@code POST path} with an empty object. */
    private int postCode(KmsProcess kms, String path) {
        try (Response r = post(kms, path, "{}")) {
            return r.code();
        }
    }

    private Response post(KmsProcess kms, String path, String body) {
        try {
            return http.newCall(new Request.Builder().url(kms.tlsUrl() + path).header("Authorization", "Bearer " + operator)
                    .post(RequestBody.create(body, JSON)).build()).execute();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode get(KmsProcess kms, String path) {
        try (Response r = http.newCall(new Request.Builder().url(kms.tlsUrl() + path)
                .header("Authorization", "Bearer " + operator).build()).execute()) {
            String body = r.body().string();
            assertEquals(200, r.code(), path + ": " + body);
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
