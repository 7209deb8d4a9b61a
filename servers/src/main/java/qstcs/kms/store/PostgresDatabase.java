package qstcs.kms.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A PostgreSQL database shared by every KMS process of one deployment: a HikariCP pool for
 * statements, the schema brought up to date from the repository's migrations at open, and one
 * extra connection that LISTENs for what the other processes announce ({@code NOTIFY}). When
 * that connection breaks it is reopened, and listeners are told they may have missed something.
 */
public final class PostgresDatabase implements SqlDatabase {
    private static final System.Logger LOG = System.getLogger(PostgresDatabase.class.getName());
    private static final Pattern TOPIC = Pattern.compile("[a-z]{1,20}");
    private static final String CHANNEL_PREFIX = "qstcs_";
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    private final PostgresUrl url;
    private final Properties login;
    private final HikariDataSource pool;
    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
    /** Channels the listening session has issued LISTEN for; guarded by itself. */
    private final java.util.Set<String> listening = new java.util.HashSet<>();
    private final Thread listenerThread;
    /** Prefixes this process's announcements: its own listening session hears them too, and skips them. */
    private final String origin = java.util.UUID.randomUUID() + " ";
    private volatile boolean closed;

    private PostgresDatabase(PostgresUrl url, Properties login, HikariDataSource pool) {
        this.url = url;
        this.login = login;
        this.pool = pool;
        this.listenerThread = Thread.ofPlatform().name("kms-db-listen").daemon(true).unstarted(this::listenLoop);
    }

    /**
     * Connects (password from {@code PGPASSWORD}), applies pending migrations and starts listening.
     *
     * @throws SQLException when the database cannot be reached or the schema not applied
     */
    public static PostgresDatabase open(PostgresUrl url) throws SQLException {
        return open(url, PostgresUrl.password());
    }

    /** The same with the password given (tests; a KMS reads {@code PGPASSWORD}). */
    static PostgresDatabase open(PostgresUrl url, java.util.Optional<String> password) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", url.user());
        password.ifPresent(p -> login.setProperty("password", p));
        login.setProperty("ApplicationName", "qstcs-kms");
        login.setProperty("connectTimeout", "5");
        login.setProperty("tcpKeepAlive", "true");
        // Fail fast with a clear message instead of a pool that keeps retrying in the background.
        try (Connection first = DriverManager.getConnection(url.jdbcUrl(), login)) {
            List<String> applied = Migrations.apply(first);
            if (!applied.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "database " + url + ": applied " + applied);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("qstcs-kms");
        config.setJdbcUrl(url.jdbcUrl());
        config.setDataSourceProperties(login);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        PostgresDatabase db = new PostgresDatabase(url, login, new HikariDataSource(config));
        db.listenerThread.start();
        return db;
    }

    /** A connection outside the pool, for a session that must stay the same (an advisory lock). */
    Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), login);
    }

    @Override
    public <T> T call(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean healthy() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next() && listenerThread.isAlive();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return url.toString();
    }

    @Override
    public void announce(String topic, String payload) {
        checkTopic(topic);
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            p.setString(1, CHANNEL_PREFIX + topic);
            p.setString(2, origin + payload);
            p.execute();
        } catch (SQLException e) {
            // The other processes re-read what they cache when their listener reconnects.
            LOG.log(System.Logger.Level.WARNING, "could not announce " + topic + " to the other KMS processes: "
                    + e.getMessage());
        }
    }

    /**
     * {@inheritDoc} Returns once the listening session has issued {@code LISTEN} (at most a few
     * hundred milliseconds), so nothing announced afterwards is missed; if that session is down
     * it gives up waiting after a few seconds and the reconnect tells the listener it may have
     * missed something.
     */
    @Override
    public void listen(String topic, Listener listener) {
        checkTopic(topic);
        String channel = CHANNEL_PREFIX + topic;
        listeners.computeIfAbsent(channel, t -> new CopyOnWriteArrayList<>()).add(listener);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        synchronized (listening) {
            while (!listening.contains(channel) && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(System.Logger.Level.WARNING, "not listening on " + channel + " yet; the database seems unreachable");
                    return;
                }
                try {
                    listening.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void checkTopic(String topic) {
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("topic must be 1-20 lower-case letters, was " + topic);
        }
    }

    private void listenLoop() {
        boolean first = true;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(url.jdbcUrl(), login)) {
                PGConnection pg = c.unwrap(PGConnection.class);
                synchronized (listening) {
                    listening.clear();
                }
                if (!first) {
                    listeners.values().forEach(list -> list.forEach(Listener::mayHaveMissed));
                }
                first = false;
                while (!closed) {
                    for (String channel : listeners.keySet()) {
                        synchronized (listening) {
                            if (listening.contains(channel)) {
                                continue;
                            }
                        }
                        try (Statement s = c.createStatement()) {
                            s.execute("LISTEN " + channel); // channel names are checked lower-case words
                        }
                        synchronized (listening) {
                            listening.add(channel);
                            listening.notifyAll();
                        }
                    }
                    PGNotification[] got = pg.getNotifications((int) POLL.toMillis());
                    if (got == null) {
                        continue;
                    }
                    for (PGNotification n : got) {
                        String payload = n.getParameter();
                        if (payload.startsWith(origin)) {
                            continue;
                        }
                        int space = payload.indexOf(' ');
                        String body = space < 0 ? payload : payload.substring(space + 1);
                        for (Listener l : listeners.getOrDefault(n.getName(), List.of())) {
                            try {
                                l.announced(body);
                            } catch (RuntimeException e) {
                                LOG.log(System.Logger.Level.ERROR, "handling " + n.getName() + " failed: " + e);
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "lost the notification connection to " + url + " (" + e.getMessage()
                        + "); reconnecting");
                try {
                    Thread.sleep(RECONNECT);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listenerThread.interrupt();
        try {
            listenerThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
