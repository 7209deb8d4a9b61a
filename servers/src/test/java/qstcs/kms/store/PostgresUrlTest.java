package qstcs.kms.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void readsTheDocumentedForm() {
        PostgresUrl u = PostgresUrl.parse("postgresql://qstcs@db.example:5433/kms");
        assertEquals("qstcs", u.user());
        assertEquals("db.example", u.host());
        assertEquals(5433, u.port());
        assertEquals("kms", u.database());
        assertEquals("jdbc:postgresql://db.example:5433/kms", u.jdbcUrl());
    }

    @Test
    void portDefaultsTo5432AndOptionsPassThrough() {
        PostgresUrl u = PostgresUrl.parse("postgres://qstcs@[::1]/kms?sslmode=require");
        assertEquals(5432, u.port());
        assertEquals("jdbc:postgresql://[::1]:5432/kms?sslmode=require", u.jdbcUrl());
    }

    @Test
    void refusesAPasswordOnTheCommandLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PostgresUrl.parse("postgresql://qstcs:secret@127.0.0.1/kms"));
        assertTrue(e.getMessage().contains("PGPASSWORD"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), "the message must not echo the password");
    }

    @Test
    void refusesWhatIsNotTheForm() {
        for (String bad : new String[] {"mysql://u@h/db", "postgresql://h:5432/db", "postgresql://u@h:5432/",
                "postgresql://u@h/db;drop", "postgresql://u@h/db?x=1;y", "postgresql://u@/db", "not a url", "postgresql://u@h/db#x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostgresUrl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--db"), e.getMessage());
        }
    }
}
