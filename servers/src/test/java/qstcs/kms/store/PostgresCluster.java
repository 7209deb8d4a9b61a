package qstcs.kms.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} and {@code pg_ctl} from Debian's
 * {@code postgresql} package make a cluster in a temporary directory on a free loopback port,
 * with password authentication over TCP (the password the KMS reads from {@code PGPASSWORD}).
 * PostgreSQL refuses to run as root, so under root (CI) the server runs as the package's
 * {@code postgres} user through {@code runuser}. Without the package the calling test is
 * skipped with a visible message; a failure to start an installed server fails the test.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String USER = "qstcs";
    private static final Path PG_LIB = Path.of("/usr/lib/postgresql");

    private final Path dir;
    private final Path bin;
    private final boolean asPostgres;
    private final int port;
    private final String password;

    private PostgresCluster(Path dir, Path bin, boolean asPostgres, int port, String password) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.port = port;
        this.password = password;
    }

    /** Starts a cluster, or skips the calling test (visibly) when PostgreSQL is not installed. */
    public static PostgresCluster startOrSkip(String who) throws IOException, InterruptedException {
        Optional<Path> bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        String missing = bin.isEmpty() ? "PostgreSQL is not installed (apt-get install postgresql)"
                : root && !userExists("postgres") ? "running as root without the 'postgres' user of Debian's postgresql package"
                : null;
        if (missing != null) {
            String reason = who + " SKIPPED: " + missing;
            System.out.println("[servers] " + reason);
            System.err.println("[servers] " + reason);
            Assumptions.abort(reason);
        }
        Path dir = Files.createTempDirectory("qstcs-pg");
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path pwfile = dir.resolve("pw");
        Files.writeString(pwfile, password + "\n");
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresCluster c = new PostgresCluster(dir, bin.get(), root, port, password);
        c.pg("initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--auth-local=trust",
                "--auth-host=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--no-sync", "--no-instructions");
        c.pg("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c max_connections=60", "start");
        return c;
    }

    /** {@code postgresql://qstcs@127.0.0.1:PORT/NAME} after creating database {@code name}. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /** What {@code PGPASSWORD} must hold. */
    public String password() {
        return password;
    }

    /**
     * Lets a KMS opened inside this JVM log in: it reads the password as psql does, and a test
     * cannot set {@code PGPASSWORD} for its own JVM, so pgjdbc gets a password file until the
     * returned handle is closed.
     */
    public AutoCloseable passwordForThisJvm() throws IOException {
        Path pgpass = Files.createTempFile("qstcs-pgpass", "");
        Files.writeString(pgpass, "*:*:*:" + USER + ":" + password + "\n");
        String before = System.getProperty("org.postgresql.pgpassfile");
        System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
        return () -> {
            if (before == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", before);
            }
            Files.deleteIfExists(pgpass);
        };
    }

    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            pg("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void pg(String tool, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (asPostgres) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.add(bin.resolve(tool).toString());
        argv.addAll(List.of(args));
        run(argv);
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed:\n" + out);
        }
    }

    /** The newest installed major version's {@code bin} directory. */
    private static Optional<Path> binaries() throws IOException {
        if (!Files.isDirectory(PG_LIB)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(PG_LIB)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean userExists(String name) throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
    }
}
