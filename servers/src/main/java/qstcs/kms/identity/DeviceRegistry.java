package qstcs.kms.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import qstcs.crypto.wire.DeviceId;
import qstcs.crypto.home.StateHome;
import qstcs.server.auth.BearerTokens;

/**
 * Enrolled devices and pending enrollment codes, persisted in an SQLite file under
 * {@code $QSTCS_HOME/kms/} ({@value #DB_FILE}, 0600). Tokens and codes are stored only as SHA-256
 * hashes: a copy of the database lets nobody act as a device. Token checks run on every key
 * request, so active devices are also held in memory; writes go to the database first.
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

    private final Connection db;
    private final InstantSource clock;
    /** hex(SHA-256(token)) → device, for active devices only. */
    private final Map<String, Active> activeByTokenHash = new ConcurrentHashMap<>();

    private DeviceRegistry(Connection db, InstantSource clock) throws SQLException {
        this.db = db;
        this.clock = clock;
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA busy_timeout=5000");
            s.execute("CREATE TABLE IF NOT EXISTS devices(device_id TEXT PRIMARY KEY, token_sha256 BLOB NOT NULL,"
                    + " enrolled_at INTEGER NOT NULL, revoked_at INTEGER)");
            s.execute("CREATE TABLE IF NOT EXISTS enrollment_codes(code_sha256 BLOB PRIMARY KEY, device_id TEXT NOT NULL,"
                    + " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER)");
            try (ResultSet rs = s.executeQuery("SELECT device_id, token_sha256 FROM devices WHERE revoked_at IS NULL")) {
                while (rs.next()) {
                    activeByTokenHash.put(HexFormat.of().formatHex(rs.getBytes(2)), new Active(rs.getString(1)));
                }
            }
        }
    }

    /** Opens (creating if needed) the registry in {@code kmsDir}. */
    public static DeviceRegistry open(Path kmsDir, InstantSource clock) throws IOException {
        Path file = StateHome.privateFile(kmsDir.resolve(DB_FILE).toAbsolutePath());
        try {
            return new DeviceRegistry(DriverManager.getConnection("jdbc:sqlite:" + file), clock);
        } catch (SQLException e) {
            throw new IOException("cannot open the device registry " + file + ": " + e.getMessage(), e);
        }
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
        Active a = activeByTokenHash.get(HexFormat.of().formatHex(tokenHash));
        return a == null ? Optional.empty() : Optional.of(a.deviceId());
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
        try (PreparedStatement q = db.prepareStatement(
                "SELECT device_id, expires_at, used_at FROM enrollment_codes WHERE code_sha256 = ?")) {
            q.setBytes(1, hash);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new Redemption.Refused(Refusal.UNKNOWN_CODE);
                }
                if (!rs.getString(1).equals(deviceId)) {
                    return new Redemption.Refused(Refusal.WRONG_DEVICE);
                }
                rs.getLong(3);
                if (!rs.wasNull()) {
                    return new Redemption.Refused(Refusal.ALREADY_USED);
                }
                if (!clock.instant().isBefore(Instant.ofEpochMilli(rs.getLong(2)))) {
                    return new Redemption.Refused(Refusal.EXPIRED);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("device registry query failed: " + e.getMessage(), e);
        }
        sql("UPDATE enrollment_codes SET used_at = ? WHERE code_sha256 = ?", clock.millis(), hash);
        return new Redemption.Enrolled(deviceId, issueToken(deviceId));
    }

    /**
     * Issues a fresh token for {@code deviceId} without a code: the operator's own provisioning
     * (the demo's local devices). Replaces any earlier token and lifts a revocation.
     */
    public synchronized String issueToken(String deviceId) {
        checkDeviceId(deviceId);
        String token = BearerTokens.newToken();
        byte[] hash = BearerTokens.hash(token);
        sql("INSERT INTO devices(device_id, token_sha256, enrolled_at, revoked_at) VALUES(?,?,?,NULL)"
                + " ON CONFLICT(device_id) DO UPDATE SET token_sha256 = excluded.token_sha256,"
                + " enrolled_at = excluded.enrolled_at, revoked_at = NULL", deviceId, hash, clock.millis());
        activeByTokenHash.values().removeIf(a -> a.deviceId().equals(deviceId));
        activeByTokenHash.put(HexFormat.of().formatHex(hash), new Active(deviceId));
        return token;
    }

    /** Revokes the device's token and any pending codes; true if it was active. */
    public synchronized boolean revoke(String deviceId) {
        int changed = sql("UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
                clock.millis(), deviceId);
        burnCodes(deviceId);
        activeByTokenHash.values().removeIf(a -> a.deviceId().equals(deviceId));
        return changed > 0;
    }

    /** Invalidates every unused code of a device (after too many wrong guesses for it). */
    public synchronized int burnCodes(String deviceId) {
        return sql("UPDATE enrollment_codes SET used_at = ? WHERE device_id = ? AND used_at IS NULL",
                clock.millis(), deviceId);
    }

    public synchronized boolean exists(String deviceId) {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM devices WHERE device_id = ?")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("device registry query failed: " + e.getMessage(), e);
        }
    }

    /** Every device ever enrolled, by id. */
    public synchronized List<DeviceInfo> list() {
        List<DeviceInfo> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT device_id, enrolled_at, revoked_at FROM devices ORDER BY device_id")) {
            while (rs.next()) {
                long revoked = rs.getLong(3);
                Optional<Instant> revokedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
                out.add(new DeviceInfo(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), revokedAt));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("device registry query failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with it
        }
    }

    private int sql(String statement, Object... args) {
        try (PreparedStatement p = db.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("device registry update failed: " + e.getMessage(), e);
        }
    }
}
