package qstcs.kms.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL schema, as plain SQL files kept in the repository
 * ({@code src/main/resources/db/postgresql/}, listed in order in {@value #INDEX}). Each file is
 * applied once, in its own transaction, and recorded in {@code schema_migrations}; a
 * transaction-level advisory lock makes KMS processes that start together apply each file once.
 */
final class Migrations {
    static final String DIRECTORY = "db/postgresql/";
    static final String INDEX = DIRECTORY + "migrations.list";

    private Migrations() {
    }

    /** The file names in order, from the index (blank lines and {@code #} comments skipped). */
    static List<String> listed() {
        List<String> names = new ArrayList<>();
        for (String line : resource(INDEX).split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Applies every listed file the database has not seen yet.
     *
     * @return the names applied now (empty when the schema was current)
     */
    static List<String> apply(Connection c) throws SQLException {
        List<String> applied = new ArrayList<>();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + AdvisoryLocks.NAMESPACE + ", " + AdvisoryLocks.MIGRATIONS + ")");
                s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY,"
                        + " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            }
            Set<String> done = new HashSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM schema_migrations")) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
            for (String name : listed()) {
                if (done.contains(name)) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute(resource(DIRECTORY + name));
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_migrations(name) VALUES (?)")) {
                    p.setString(1, name);
                    p.executeUpdate();
                }
                applied.add(name);
            }
            c.commit();
            return applied;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static String resource(String path) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + path, e);
        }
    }
}
