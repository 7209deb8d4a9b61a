package qstcs.kms;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;
import qstcs.kms.store.LinkLeadership;
import qstcs.kms.store.SqlDatabase;
import qstcs.server.common.Json;

/**
 * The quantum link as several KMS processes on one PostgreSQL database share it. The process
 * that holds the lead runs the link and, after every change and round, publishes its public
 * status: stored in {@code link_status} and announced ({@code NOTIFY}) to the others, which
 * mirror it so that status reads, long-polls and event streams everywhere show one truth. A
 * process taking the lead starts from the stored status (a latched RED stays RED) with an
 * empty pool and no keys: those lived only in the old leader's memory.
 */
final class SharedLink implements LinkLeadership.Transitions {
    private static final System.Logger LOG = System.getLogger(SharedLink.class.getName());
    private static final String TOPIC = "link";

    private final String instance;
    private final SqlDatabase db;
    private final LinkState link;
    private final AuditLog audit;
    private final EventHub events;
    private final InstantSource clock;
    private final Changes changes;
    private final Thread publisher;
    private volatile boolean closed;

    /**
     * What the leader has to publish: a listener of its {@link LinkState} that only notes that
     * something changed (it is called under the link's lock); the publisher thread coalesces
     * bursts into one announcement of the latest status.
     */
    static final class Changes implements LinkListener {
        private final BlockingQueue<Boolean> pending = new ArrayBlockingQueue<>(1);
        private final AtomicReference<ObjectNode> lastRound = new AtomicReference<>();

        @Override
        public void roundCompleted(RoundReport round, LinkStatus after) {
            lastRound.set(KmsJson.round(round, after));
            pending.offer(Boolean.TRUE);
        }

        @Override
        public void statusChanged(LinkStatus now, LinkColour before, String cause) {
            pending.offer(Boolean.TRUE);
        }

        @Override
        public void eveChanged(boolean active, double rate, String actor) {
            pending.offer(Boolean.TRUE);
        }

        @Override
        public void linkReset(OperatorAction by, LinkStatus now) {
            pending.offer(Boolean.TRUE);
        }

        @Override
        public void keyCreated(IssuedKey key, String requester, String replaced) {
            pending.offer(Boolean.TRUE);
        }

        void signal() {
            pending.offer(Boolean.TRUE);
        }

        /** Waits up to a second for a change; the round report since the last call, if any. */
        Optional<ObjectNode> await() throws InterruptedException {
            pending.poll(1, TimeUnit.SECONDS);
            return Optional.ofNullable(lastRound.getAndSet(null));
        }
    }

    /** @param changes the listener the link was built with (see {@link Changes}) */
    SharedLink(String instance, SqlDatabase db, LinkState link, Changes changes, AuditLog audit, EventHub events,
               InstantSource clock) {
        this.instance = instance;
        this.changes = changes;
        this.db = db;
        this.link = link;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        link.standBy();
        publisher = Thread.ofPlatform().name("kms-link-publish").daemon(true).unstarted(this::publishLoop);
    }

    /** Starts mirroring the leader and publishing while leading. */
    void start() {
        db.listen(TOPIC, new SqlDatabase.Listener() {
            @Override
            public void announced(String payload) {
                follow(payload);
            }

            @Override
            public void mayHaveMissed() {
                stored().ifPresent(SharedLink.this::followStatus);
            }
        });
        stored().ifPresent(this::followStatus);
        publisher.start();
    }

    String instance() {
        return instance;
    }

    // Leadership transitions (on the leadership thread).

    @Override
    public void lead() {
        Optional<JsonNode> before = stored();
        before.ifPresent(this::followStatus);
        String previous = before.map(s -> s.path("leader").asText("")).orElse("");
        LinkStatus now = link.takeOver();
        audit.append("link_leader", LinkEvents.SYSTEM, "KMS " + instance + " leads the quantum link"
                + (previous.isEmpty() || previous.equals(instance) ? "" : " (taking over from " + previous + ")")
                + "; status " + now.status() + ", version " + now.version() + "; devices fetch new keys");
        ObjectNode status = KmsJson.status(now);
        status.put("cause", "leader " + instance);
        events.publish("status", status);
        changes.signal();
    }

    @Override
    public void standBy() {
        link.standBy();
        audit.append("link_standby", LinkEvents.SYSTEM, "KMS " + instance + " stands by; its pool and keys are wiped");
    }

    private void publishLoop() {
        while (!closed) {
            Optional<ObjectNode> round;
            try {
                round = changes.await();
            } catch (InterruptedException e) {
                return;
            }
            if (!link.leads()) {
                continue;
            }
            try {
                publish(link.snapshot(), round.orElse(null));
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not publish the link status: " + e.getMessage());
            }
        }
    }

    private void publish(LinkStatus s, ObjectNode round) throws SQLException {
        ObjectNode status = KmsJson.status(s);
        String statusJson = new String(Json.bytes(status), StandardCharsets.UTF_8);
        db.call(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO link_status(id, leader, status, updated_at)"
                    + " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET leader = excluded.leader,"
                    + " status = excluded.status, updated_at = excluded.updated_at")) {
                p.setString(1, instance);
                p.setString(2, statusJson);
                p.setLong(3, clock.millis());
                p.executeUpdate();
            }
            return null;
        });
        ObjectNode message = Json.object();
        message.put("leader", instance);
        message.set("status", status);
        if (round != null) {
            message.set("round", round);
        }
        db.announce(TOPIC, new String(Json.bytes(message), StandardCharsets.UTF_8));
    }

    /** The last published status with its leader, as {@code {"leader":…,"status":{…}}}. */
    private Optional<JsonNode> stored() {
        try {
            return db.call(c -> {
                try (PreparedStatement q = c.prepareStatement("SELECT leader, status FROM link_status WHERE id = 1");
                     ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<JsonNode>empty();
                    }
                    ObjectNode o = Json.object();
                    o.put("leader", rs.getString(1));
                    o.set("status", Json.parse(rs.getString(2).getBytes(StandardCharsets.UTF_8)));
                    return Optional.<JsonNode>of(o);
                }
            });
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the stored link status: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void follow(String payload) {
        JsonNode message;
        try {
            message = Json.parse(payload.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignored a malformed link announcement");
            return;
        }
        if (instance.equals(message.path("leader").asText()) || link.leads()) {
            return;
        }
        followStatus(message);
        JsonNode round = message.get("round");
        if (round != null && round.isObject()) {
            events.publish("round", round);
        }
    }

    private void followStatus(JsonNode message) {
        LinkStatus s;
        try {
            s = LinkStatus.parse(message.required("status").toString());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignored a link status that does not parse: " + e.getMessage());
            return;
        }
        if (link.follow(s)) {
            ObjectNode status = KmsJson.status(link.snapshot());
            status.put("cause", "leader " + message.path("leader").asText());
            events.publish("status", status);
        }
    }

    void close() {
        closed = true;
        publisher.interrupt();
    }
}
