package qstcs.kms.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import qstcs.kms.identity.DeviceRegistry;
import qstcs.kms.identity.EnrollmentCode;
import qstcs.testing.Await;

/**
 * Two {@link PostgresDatabase}s on one real PostgreSQL database behave like two KMS processes:
 * each has its own pool, listening session and lock session. What one writes or revokes the
 * other sees; one of them leads.
 */
class SharedDatabaseIT {
    private static PostgresCluster postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresCluster.startOrSkip("KMS on PostgreSQL (SharedDatabaseIT)");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A fresh database; the password is handed over as the KMS gets it, in the login properties. */
    private static PostgresUrl freshDatabase() throws Exception {
        return PostgresUrl.parse(postgres.createDatabase("kms" + DATABASES.incrementAndGet()));
    }

    private static PostgresDatabase open(PostgresUrl url) throws Exception {
        return PostgresDatabase.open(url, Optional.of(postgres.password()));
    }

    @Test
    void migrationsApplyOnceEvenWhenTwoProcessesStartTogether() throws Exception {
        PostgresUrl url = freshDatabase();
        try (PostgresDatabase a = open(url); PostgresDatabase b = open(url)) {
            assertTrue(a.healthy() && b.healthy());
            try (Connection c = postgres.connect(url.database()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name FROM schema_migrations ORDER BY name")) {
                assertTrue(rs.next());
                assertEquals(Migrations.listed().getFirst(), rs.getString(1));
                assertEquals(Migrations.listed().size() - 1, countRemaining(rs));
            }
        }
    }

    private static int countRemaining(ResultSet rs) throws Exception {
        int n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    @Test
    void aTokenIssuedByOneProcessWorksAtTheOtherUntilItIsRevoked() throws Exception {
        PostgresUrl url = freshDatabase();
        try (PostgresDatabase dbA = open(url); PostgresDatabase dbB = open(url);
             DeviceRegistry a = DeviceRegistry.open(dbA, InstantSource.system());
             DeviceRegistry b = DeviceRegistry.open(dbB, InstantSource.system())) {
            LinkedBlockingQueue<String> revokedElsewhere = new LinkedBlockingQueue<>();
            b.followOtherProcesses(revokedElsewhere::add);
            String token = a.issueToken("Soldier_Alpha");
            assertEquals(Optional.of("Soldier_Alpha"), b.authenticate(token), "B looks the new token up in the database");

            assertTrue(a.revoke("Soldier_Alpha"));
            assertEquals("Soldier_Alpha", revokedElsewhere.poll(10, TimeUnit.SECONDS), "B hears of the revocation");
            assertEquals(Optional.empty(), b.authenticate(token), "B no longer accepts the revoked token");
            assertEquals(Optional.empty(), a.authenticate(token));
        }
    }

    @Test
    void anEnrollmentCodeIsRedeemedOnceAcrossProcesses() throws Exception {
        PostgresUrl url = freshDatabase();
        try (PostgresDatabase dbA = open(url); PostgresDatabase dbB = open(url);
             DeviceRegistry a = DeviceRegistry.open(dbA, InstantSource.system());
             DeviceRegistry b = DeviceRegistry.open(dbB, InstantSource.system())) {
            EnrollmentCode code = a.createCode("Soldier_Bravo", Duration.ofMinutes(15));
            DeviceRegistry.Redemption first = b.redeem("Soldier_Bravo", code.code());
            String token = assertInstanceOf(DeviceRegistry.Redemption.Enrolled.class, first).deviceToken();
            assertEquals(new DeviceRegistry.Redemption.Refused(DeviceRegistry.Refusal.ALREADY_USED),
                    a.redeem("Soldier_Bravo", code.code()));
            assertEquals(Optional.of("Soldier_Bravo"), a.authenticate(token));
            assertEquals(List.of("Soldier_Bravo"), a.list().stream().map(d -> d.deviceId()).toList());
        }
    }

    @Test
    void oneProcessLeadsAndTheOtherTakesOverWhenItGoes() throws Exception {
        PostgresUrl url = freshDatabase();
        try (PostgresDatabase dbA = open(url); PostgresDatabase dbB = open(url)) {
            AdvisoryLockLeadership a = new AdvisoryLockLeadership(dbA);
            AdvisoryLockLeadership b = new AdvisoryLockLeadership(dbB);
            LinkedBlockingQueue<String> transitions = new LinkedBlockingQueue<>();
            a.start(recorder("a", transitions));
            assertEquals("a leads", transitions.poll(10, TimeUnit.SECONDS));
            b.start(recorder("b", transitions));
            // b tries every 500 ms and must keep failing while a holds the lock.
            Await.until("b asked for the lock a few times", () -> b.attempts() >= 3);
            assertTrue(a.leads());
            assertFalse(b.leads());
            a.close();
            assertEquals("b leads", transitions.poll(10, TimeUnit.SECONDS));
            assertTrue(b.leads());
            b.close();
        }
    }

    private static LinkLeadership.Transitions recorder(String name, LinkedBlockingQueue<String> out) {
        return new LinkLeadership.Transitions() {
            @Override
            public void lead() {
                out.add(name + " leads");
            }

            @Override
            public void standBy() {
                out.add(name + " stands by");
            }
        };
    }
}
