package qstcs.kms.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import qstcs.crypto.identity.IdentityKey;
import qstcs.crypto.wire.DeviceId;
import qstcs.kms.store.SqlDatabase;
import qstcs.kms.store.SqliteDatabase;
import qstcs.kms.store.StorageUnavailableException;
import qstcs.server.auth.BearerTokens;

/**
 * Enrolled devices and pending enrollment codes, persisted in an SQLite file under
 * {@code $QSTCS_HOME/kms/} ({@value #DB_FILE}, 0600) or in the PostgreSQL database several KMS
 * processes share. Tokens and codes are stored only as SHA-256 hashes: a copy of the database
 * lets nobody act as a device. Token checks run on every key request, so active devices are
 * also held in memory; writes go to the database first. On a shared database a token this
 * process has not seen is looked up there, and a token issued or revoked elsewhere is
 * forgotten here when the other process announces it. Devices' public identity keys are kept
 * here too (public keys only: the private halves never leave the devices).
 */
public final class DeviceRegistry implements AutoCloseable {

    /** The database file under the KMS state directory. */
    public static final String DB_FILE = "identity.db";

    /** Why a code was refused; only the audit log sees this, the caller gets one generic answer. */
    public enum Refusal { UNKNOWN_CODE, WRONG_DEVICE, ALREADY_USED, EXPIRED }

    /** The outcome of redeeming a code: a new device token, or the reason for refusal. */
    public sealed interface Redemption {
        record Enrolled(String deviceId, String deviceToken) implements Redemption {
            @Override
            public String toString() {
                return "Enrolled[" + deviceId + ", token=(hidden)]";
            }
        }

        record Refused(Refusal reason) implements Redemption {
        }
    }

    private record Active(String deviceId) {
    }

    /** The embedded file's schema; PostgreSQL gets the same tables from its migrations. */
    private static final List<String> SQLITE_SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS devices(device_id TEXT PRIMARY KEY, token_sha256 BLOB NOT NULL,"
                    + " enrolled_at INTEGER NOT NULL, revoked_at INTEGER)",
            "CREATE TABLE IF NOT EXISTS enrollment_codes(code_sha256 BLOB PRIMARY KEY, device_id TEXT NOT NULL,"
                    + " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)",
            "CREATE TABLE IF NOT EXISTS identity_keys(device_id TEXT PRIMARY KEY, public_key BLOB NOT NULL,"
                    + " published_at INTEGER NOT NULL)");
    /** What other KMS processes on a shared database are told: {@code issued:ID} or {@code revoked:ID}. */
    private static final String TOPIC = "identity";
    private static final String ISSUED = "issued:";
    private static final String REVOKED = "revoked:";

    private final SqlDatabase db;
    private final boolean owned;
    private final InstantSource clock;
    /**
     * When each device last authenticated at this process (a request or the relay's
     * introspection); memory only, one entry per enrolled device at most.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Instant> lastSeen =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** hex(SHA-256(token)) → device, for active devices only. */
    private final Map<String, Active> activeByTokenHash = new ConcurrentHashMap<>();
    /** Grows whenever cached tokens are dropped, so a lookup that raced a drop does not cache a stale answer. */
    private final AtomicLong forgets = new AtomicLong();

    private DeviceRegistry(SqlDatabase db, boolean owned, InstantSource clock) throws SQLException {
        this.db = db;
        this.owned = owned;
        this.clock = clock;
        db.call(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT device_id, token_sha256 FROM devices WHERE revoked_at IS NULL")) {
                while (rs.next()) {
                    activeByTokenHash.put(HexFormat.of().formatHex(rs.getBytes(2)), new Active(rs.getString(1)));
                }
            }
            return null;
        });
    }

    /** Opens (creating if needed) the embedded registry in {@code kmsDir}. */
    public static DeviceRegistry open(Path kmsDir, InstantSource clock) throws IOException {
        Path file = kmsDir.resolve(DB_FILE).toAbsolutePath();
        try {
            SqliteDatabase db = SqliteDatabase.open(file, SQLITE_SCHEMA);
            try {
                return new DeviceRegistry(db, true, clock);
            } catch (SQLException e) {
                db.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("cannot open the device registry " + file + ": " + e.getMessage(), e);
        }
    }

    /** The registry in {@code db}, whose schema is already in place; its opener closes it. */
    public static DeviceRegistry open(SqlDatabase db, InstantSource clock) throws IOException {
        try {
            return new DeviceRegistry(db, false, clock);
        } catch (SQLException e) {
            throw new IOException("cannot read the device registry in " + db.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Follows what other KMS processes on a shared database do: a device they issued a token to
     * or revoked is dropped from this process's memory, and {@code onRevokedElsewhere} hears of
     * each revocation (to end that device's sessions and keys here too).
     */
    public void followOtherProcesses(Consumer<String> onRevokedElsewhere) {
        db.listen(TOPIC, new SqlDatabase.Listener() {
            @Override
            public void announced(String payload) {
                if (payload.startsWith(REVOKED)) {
                    String device = payload.substring(REVOKED.length());
                    forget(device);
                    onRevokedElsewhere.accept(device);
                } else if (payload.startsWith(ISSUED)) {
                    forget(payload.substring(ISSUED.length()));
                }
            }

            @Override
            public void mayHaveMissed() {
                forgets.incrementAndGet();
                activeByTokenHash.clear(); // looked up again on first use
            }
        });
    }

    private void forget(String deviceId) {
        forgets.incrementAndGet();
        activeByTokenHash.values().removeIf(a -> a.deviceId().equals(deviceId));
    }

    /** Throws {@link IllegalArgumentException} with a message naming the rule if the id is unusable. */
    public static String checkDeviceId(String deviceId) {
        return DeviceId.of(deviceId).value();
    }

    /** The device whose active token this is, if any. Lock-free: runs on every device request. */
    public Optional<String> authenticate(String token) {
        if (!BearerTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        return authenticate(token, BearerTokens.hash(token));
    }

    /** The same, for a caller that already hashed {@code token} with {@link BearerTokens#hash}. */
    public Optional<String> authenticate(String token, byte[] tokenHash) {
        if (!BearerTokens.isWellFormed(token)) {
            return Optional.empty();
        }
        String key = HexFormat.of().formatHex(tokenHash);
        Active a = activeByTokenHash.get(key);
        if (a == null && db.shared()) {
            a = lookUp(key, tokenHash);
        }
        if (a == null) {
            return Optional.empty();
        }
        lastSeen.put(a.deviceId(), clock.instant());
        return Optional.of(a.deviceId());
    }

    /** When {@code deviceId} last authenticated at this process since it started, if it did. */
    public Optional<Instant> lastSeen(String deviceId) {
        return Optional.ofNullable(lastSeen.get(deviceId));
    }

    /** A token another KMS process issued: read it from the shared database and remember it. */
    private Active lookUp(String key, byte[] tokenHash) {
        long before = forgets.get();
        Optional<String> device;
        try {
            device = db.call(c -> {
                try (PreparedStatement q = c.prepareStatement(
                        "SELECT device_id FROM devices WHERE token_sha256 = ? AND revoked_at IS NULL")) {
                    q.setBytes(1, tokenHash);
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("reading the device registry", e);
        }
        if (device.isEmpty()) {
            return null;
        }
        Active a = new Active(device.get());
        if (forgets.get() == before) {
            activeByTokenHash.put(key, a);
        }
        return a;
    }

    /** Creates a one-time code for {@code deviceId}, valid for {@code ttl}. */
    public synchronized EnrollmentCode createCode(String deviceId, Duration ttl) {
        checkDeviceId(deviceId);
        String code = BearerTokens.newEnrollmentCode();
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        sql("INSERT INTO enrollment_codes(code_sha256, device_id, created_at, expires_at) VALUES(?,?,?,?)",
                BearerTokens.hash(code), deviceId, now.toEpochMilli(), expires.toEpochMilli());
        return new EnrollmentCode(deviceId, code, expires);
    }

    /**
     * Redeems a code: succeeds once, for its own device, before it expires. Success issues a new
     * device token (replacing and thereby invalidating any earlier token of that device).
     */
    public synchronized Redemption redeem(String deviceId, String code) {
        byte[] hash = BearerTokens.hash(BearerTokens.normalizeCode(code));
        Optional<Refusal> refusal;
        try {
            refusal = db.call(c -> {
                try (PreparedStatement q = c.prepareStatement(
                        "SELECT device_id, expires_at, used_at FROM enrollment_codes WHERE code_sha256 = ?")) {
                    q.setBytes(1, hash);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.of(Refusal.UNKNOWN_CODE);
                        }
                        if (!rs.getString(1).equals(deviceId)) {
                            return Optional.of(Refusal.WRONG_DEVICE);
                        }
                        rs.getLong(3);
                        if (!rs.wasNull()) {
                            return Optional.of(Refusal.ALREADY_USED);
                        }
                        if (!clock.instant().isBefore(Instant.ofEpochMilli(rs.getLong(2)))) {
                            return Optional.of(Refusal.EXPIRED);
                        }
                        return Optional.<Refusal>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("reading the device registry", e);
        }
        if (refusal.isPresent()) {
            return new Redemption.Refused(refusal.get());
        }
        // Claimed only if still unused (another KMS process on a shared database may redeem it at
        // the same moment), and in one transaction with the token: a code is never used up
        // without a token to show for it, e.g. when the disk fills between the two statements.
        String token = BearerTokens.newToken();
        byte[] tokenHash = BearerTokens.hash(token);
        boolean claimed;
        try {
            claimed = db.call(c -> {
                c.setAutoCommit(false);
                try {
                    if (update(c, "UPDATE enrollment_codes SET used_at = ? WHERE code_sha256 = ? AND used_at IS NULL",
                            clock.millis(), hash) != 1) {
                        c.rollback();
                        return false;
                    }
                    update(c, UPSERT_TOKEN, deviceId, tokenHash, clock.millis());
                    c.commit();
                    return true;
                } catch (SQLException e) {
                    try {
                        c.rollback();
                    } catch (SQLException alreadyRolledBack) {
                        // SQLite ends the transaction itself on some errors (a full disk): report the cause
                        e.addSuppressed(alreadyRolledBack);
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("recording the enrollment", e);
        }
        if (!claimed) {
            return new Redemption.Refused(Refusal.ALREADY_USED);
        }
        tokenIssued(deviceId, tokenHash);
        return new Redemption.Enrolled(deviceId, token);
    }

    /**
     * Issues a fresh token for {@code deviceId} without a code: the operator's own provisioning
     * (the demo's local devices). Replaces any earlier token and lifts a revocation.
     */
    public synchronized String issueToken(String deviceId) {
        checkDeviceId(deviceId);
        String token = BearerTokens.newToken();
        byte[] hash = BearerTokens.hash(token);
        sql(UPSERT_TOKEN, deviceId, hash, clock.millis());
        tokenIssued(deviceId, hash);
        return token;
    }

    /** A token of {@code deviceId} is recorded: it replaces the device's earlier one here and elsewhere. */
    private void tokenIssued(String deviceId, byte[] hash) {
        activeByTokenHash.values().removeIf(a -> a.deviceId().equals(deviceId));
        activeByTokenHash.put(HexFormat.of().formatHex(hash), new Active(deviceId));
        db.announce(TOPIC, ISSUED + deviceId);
    }

    private static final String UPSERT_TOKEN = "INSERT INTO devices(device_id, token_sha256, enrolled_at, revoked_at)"
            + " VALUES(?,?,?,NULL) ON CONFLICT(device_id) DO UPDATE SET token_sha256 = excluded.token_sha256,"
            + " enrolled_at = excluded.enrolled_at, revoked_at = NULL";

    /**
     * Revokes the device's token and any pending codes; true if it was active. The token stops
     * working here first: when the database cannot record the revocation
     * ({@link StorageUnavailableException}) the device is still refused until this process ends.
     */
    public synchronized boolean revoke(String deviceId) {
        forget(deviceId);
        int changed = sql("UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
                clock.millis(), deviceId);
        burnCodes(deviceId);
        if (changed > 0) {
            db.announce(TOPIC, REVOKED + deviceId);
        }
        return changed > 0;
    }

    /** Invalidates every unused code of a device (after too many wrong guesses for it). */
    public synchronized int burnCodes(String deviceId) {
        return sql("UPDATE enrollment_codes SET used_at = ? WHERE device_id = ? AND used_at IS NULL",
                clock.millis(), deviceId);
    }

    public synchronized boolean exists(String deviceId) {
        try {
            return db.call(c -> {
                try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM devices WHERE device_id = ?")) {
                    q.setString(1, deviceId);
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("reading the device registry", e);
        }
    }

    /** Every device ever enrolled, by id. */
    public synchronized List<DeviceInfo> list() {
        try {
            return db.call(c -> {
                List<DeviceInfo> out = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT device_id, enrolled_at, revoked_at FROM devices ORDER BY device_id")) {
                    while (rs.next()) {
                        long revoked = rs.getLong(3);
                        Optional<Instant> revokedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
                        out.add(new DeviceInfo(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), revokedAt));
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("reading the device registry", e);
        }
    }

    /**
     * Stores {@code deviceId}'s public identity key, replacing an earlier one.
     *
     * @return the key it replaced, if it was a different one
     */
    public synchronized Optional<IdentityKey> publishIdentityKey(String deviceId, IdentityKey key) {
        Optional<IdentityKey> before = identityKey(deviceId).map(PublishedKey::key);
        sql("INSERT INTO identity_keys(device_id, public_key, published_at) VALUES(?,?,?)"
                + " ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key,"
                + " published_at = excluded.published_at", deviceId, key.encoded(), clock.millis());
        return before.filter(k -> !k.equals(key));
    }

    /** A published public identity key and when it was published. */
    public record PublishedKey(IdentityKey key, Instant publishedAt) {
    }

    /** The public identity key {@code deviceId} published, if any. */
    public synchronized Optional<PublishedKey> identityKey(String deviceId) {
        try {
            return db.call(c -> {
                try (PreparedStatement q = c.prepareStatement(
                        "SELECT public_key, published_at FROM identity_keys WHERE device_id = ?")) {
                    q.setString(1, deviceId);
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next()
                                ? Optional.of(new PublishedKey(IdentityKey.fromEncoded(rs.getBytes(1)),
                                        Instant.ofEpochMilli(rs.getLong(2))))
                                : Optional.<PublishedKey>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw StorageUnavailableException.of("reading the device registry", e);
        }
    }

    @Override
    public synchronized void close() {
        if (owned) {
            db.close();
        }
    }

    private int sql(String statement, Object... args) {
        try {
            return db.call(c -> update(c, statement, args));
        } catch (SQLException e) {
            throw StorageUnavailableException.of("recording the change in the device registry", e);
        }
    }

    private static int update(java.sql.Connection c, String statement, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            return p.executeUpdate();
        }
    }
}
