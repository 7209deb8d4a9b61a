package qstcs.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import qstcs.kms.store.PostgresCluster;
import qstcs.kms.store.PostgresDatabase;
import qstcs.kms.store.PostgresUrl;
import qstcs.testing.Await;

/**
 * Two alarm books on one real PostgreSQL database, each with its own connection pool and
 * listening session, as two KMS processes have them: the table stays bounded by the books' own
 * rule when alarms overflow it, both books drop the same alarm, and two acknowledgements of one
 * alarm at once succeed once.
 */
class SharedAlarmsIT {
    private static PostgresCluster postgres;
    private static AutoCloseable login;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = PostgresCluster.startOrSkip("alarms shared by two KMS processes (SharedAlarmsIT)");
        login = postgres.passwordForThisJvm();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (login != null) {
            login.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** One process's view of the database: its pool, its audit log, its board store and its alarm book. */
    private record Process(PostgresDatabase db, AuditLog audit, MonitoringStore store, AlarmBook alarms) implements AutoCloseable {
        static Process open(String url) throws Exception {
            PostgresDatabase db = PostgresDatabase.open(PostgresUrl.parse(url));
            AuditLog audit = new AuditLog(db, false, InstantSource.system(), e -> {
            });
            MonitoringStore store = new MonitoringStore(db, InstantSource.system());
            AlarmBook alarms = new AlarmBook(InstantSource.system(), audit, new EventHub(), store);
            alarms.followOtherProcesses();
            return new Process(db, audit, store, alarms);
        }

        boolean lists(long id) {
            return alarms.list().stream().anyMatch(a -> a.id() == id);
        }

        @Override
        public void close() {
            alarms.close();
            store.close();
            audit.close();
            db.close();
        }
    }

    @Test
    void overflowingAlarmsDropTheOldestAcknowledgedOneEverywhere() throws Exception {
        String url = postgres.createDatabase("overflow");
        try (Process a = Process.open(url); Process b = Process.open(url)) {
            for (int i = 0; i < AlarmBook.CAPACITY; i++) {
                a.alarms().raise("breach", 0.2, "breach " + i);
            }
            Await.until("both list every alarm", () -> a.alarms().list().size() == AlarmBook.CAPACITY
                    && b.alarms().list().size() == AlarmBook.CAPACITY);
            long oldest = a.alarms().list().getLast().id();
            long third = oldest + 2;
            assertTrue(b.alarms().acknowledge(third, "operator@b", "") instanceof AlarmBook.Ack.Done);
            Await.until("the acknowledgement reaches the other process",
                    () -> a.alarms().list().stream().anyMatch(x -> x.id() == third && x.acknowledged()));

            a.alarms().raise("breach", 0.2, "one too many");
            Await.until("the acknowledged alarm is dropped at both", () -> !a.lists(third) && !b.lists(third)
                    && a.alarms().list().size() == AlarmBook.CAPACITY && b.alarms().list().size() == AlarmBook.CAPACITY);
            assertTrue(a.lists(oldest) && b.lists(oldest), "an unacknowledged alarm stays while an acknowledged one can go");
            assertEquals(AlarmBook.CAPACITY, count(url, "SELECT count(*) FROM alarms"));
            assertEquals(0, count(url, "SELECT count(*) FROM alarms WHERE id = " + third));
            assertEquals(a.alarms().list().getFirst().id(), b.alarms().list().getFirst().id(), "one numbering");
        }
    }

    @Test
    void twoAcknowledgementsAtOnceSucceedOnceAndAreAuditedOnce() throws Exception {
        String url = postgres.createDatabase("race");
        try (Process a = Process.open(url); Process b = Process.open(url)) {
            a.alarms().raise("forced_attack", 0.25, "forced");
            Await.until("b lists the alarm", () -> b.alarms().list().size() == 1);
            long id = b.alarms().list().getFirst().id();
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                List<Future<AlarmBook.Ack>> acks = two.invokeAll(List.<Callable<AlarmBook.Ack>>of(
                        () -> a.alarms().acknowledge(id, "operator@a", ""), () -> b.alarms().acknowledge(id, "operator@b", "")));
                List<AlarmBook.Ack> results = new ArrayList<>();
                for (Future<AlarmBook.Ack> f : acks) {
                    results.add(f.get());
                }
                assertEquals(1, results.stream().filter(r -> r instanceof AlarmBook.Ack.Done).count(), results.toString());
                assertEquals(1, results.stream().filter(r -> r instanceof AlarmBook.Ack.Already).count(), results.toString());
            } finally {
                two.shutdown();
            }
            Await.until("the acknowledgement is audited", () -> count(url,
                    "SELECT count(*) FROM audit WHERE kind = 'alarm_acknowledged'") >= 1);
            a.audit().close();
            b.audit().close();
            assertEquals(1, count(url, "SELECT count(*) FROM audit WHERE kind = 'alarm_acknowledged'"));
            assertFalse(a.alarms().acknowledge(id, "operator@a", "") instanceof AlarmBook.Ack.Done);
        }
    }

    private static long count(String url, String sql) {
        String database = url.substring(url.lastIndexOf('/') + 1);
        try (Connection c = postgres.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
