package qstcs.kms.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code --db} value, {@code postgresql://USER@HOST:PORT/DB} (port 5432 when omitted), checked
 * when the KMS starts. The password never appears in it (a command line is visible to every
 * user of the machine): it comes from {@code PGPASSWORD}, as for {@code psql}.
 *
 * @param user     the database role
 * @param host     host name or address ({@code [::1]} form for IPv6)
 * @param port     the server's port
 * @param database the database name
 * @param options  extra JDBC parameters from the query ({@code sslmode=require}), or empty
 */
public record PostgresUrl(String user, String host, int port, String database, String options) {

    /**
     * Under {@code $QSTCS_HOME/kms/}: the {@code --db} URL of the last KMS start (no password),
     * so that commands run while no KMS is up ({@code ./qstcs enroll}) use the same database.
     */
    public static final String RECORD_FILE = "database.url";

    /** The environment variable the password is read from. */
    public static final String PASSWORD_ENV = "PGPASSWORD";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,63}");
    private static final Pattern OPTIONS = Pattern.compile("([A-Za-z]+=[A-Za-z0-9_.:/-]+)(&[A-Za-z]+=[A-Za-z0-9_.:/-]+)*");
    private static final String FORM = "postgresql://USER@HOST:PORT/DB";

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message naming the expected form
     */
    public static PostgresUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--db must look like " + FORM + ", was not a URL");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--db must look like " + FORM + " (scheme postgresql://)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("--db must name the database user: " + FORM);
        }
        if (userInfo.contains(":")) {
            throw new IllegalArgumentException("--db must not contain the password (anyone can read a command line);"
                    + " set " + PASSWORD_ENV + " instead");
        }
        if (!NAME.matcher(userInfo).matches()) {
            throw new IllegalArgumentException("--db user must be 1-63 letters, digits, '_', '.', '$' or '-'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("--db must name the database host: " + FORM);
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (!NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("--db must end with the database name (1-63 letters, digits, '_', '.',"
                    + " '$' or '-'): " + FORM);
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        if (!query.isEmpty() && !OPTIONS.matcher(query).matches()) {
            throw new IllegalArgumentException("--db options must be name=value pairs joined by '&', e.g. sslmode=require");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--db must not have a #fragment: " + FORM);
        }
        return new PostgresUrl(userInfo, host, port, database, query);
    }

    /** Records {@code db} in {@code kmsDir} ({@value #RECORD_FILE}, 0600), or removes the record when empty. */
    public static void record(java.nio.file.Path kmsDir, Optional<PostgresUrl> db) throws java.io.IOException {
        java.nio.file.Path file = kmsDir.resolve(RECORD_FILE);
        if (db.isEmpty()) {
            java.nio.file.Files.deleteIfExists(file);
            return;
        }
        qstcs.crypto.home.StateHome.privateFile(file);
        java.nio.file.Files.writeString(file, db.get() + "\n");
    }

    /** The database the last KMS start in {@code kmsDir} used, if it used one. */
    public static Optional<PostgresUrl> recorded(java.nio.file.Path kmsDir) throws java.io.IOException {
        java.nio.file.Path file = kmsDir.resolve(RECORD_FILE);
        if (!java.nio.file.Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(java.nio.file.Files.readString(file)));
        } catch (IllegalArgumentException e) {
            throw new java.io.IOException(file + " is damaged (" + e.getMessage() + "); start the KMS once to rewrite it");
        }
    }

    /** The pgjdbc URL (without user and password, which travel as properties). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + (options.isEmpty() ? "" : "?" + options);
    }

    /** The password from {@code PGPASSWORD}, if set. */
    public static Optional<String> password() {
        return Optional.ofNullable(System.getenv(PASSWORD_ENV)).filter(p -> !p.isEmpty());
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + (options.isEmpty() ? "" : "?" + options);
    }
}
