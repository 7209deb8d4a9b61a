package qstcs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.seal.RecordSealer;
import qstcs.crypto.tls.DeviceCredentials;

/**
 * One device's chat history on its own disk: every message shown, its delivery state, and so the
 * outgoing messages still to deliver (held, waiting, unconfirmed), kept across restarts in an
 * SQLite database {@code $QSTCS_HOME/devices/<id>/history.db}.
 *
 * <p>Nothing in the database is readable without the device's storage key: each message (text,
 * peer, sender, times, key id, delivery state) is one AES-256-GCM record bound to its row, and rows
 * are found by a keyed HMAC of the message id, so not even the ids are stored in the clear. Only
 * the number of messages, their order and the record sizes show. The storage key is 256 random bits
 * in {@code history.key} (0600) beside the database; it never leaves the device. See
 * docs/apps-and-sdk.md ("Local history") for what that protects against and what it does not.
 *
 * <p>Thread-safe (one connection, every call synchronized); a {@link #recorder()} writes session
 * events from the session's thread while the UI reads at start-up.
 */
public final class ChatHistory implements AutoCloseable {
    static final String DATABASE = "history.db";
    static final String KEY_FILE = "history.key";

    private final Connection db;
    private final RecordSealer sealer;
    private final String me;
    private long nextPosition;

    private ChatHistory(Connection db, RecordSealer sealer, String me) throws SQLException {
        this.db = db;
        this.sealer = sealer;
        this.me = me;
        try (Statement s = db.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS messages (lookup BLOB PRIMARY KEY, position INTEGER NOT NULL,"
                    + " record BLOB NOT NULL)");
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(position), 0) FROM messages")) {
                nextPosition = r.next() ? r.getLong(1) + 1 : 1;
            }
        }
    }

    /** The directory of {@code deviceId}'s local state under the state home ({@code devices/<id>/}). */
    public static Path directory(Path home, String deviceId) {
        return home.resolve(DeviceCredentials.DIRECTORY).resolve(ClientConfig.checkDeviceId(deviceId));
    }

    /** Opens (or creates) the history of {@code deviceId}, making its storage key on first use. */
    public static ChatHistory open(Path home, String deviceId) throws IOException {
        Path dir = directory(home, deviceId);
        SecretBytes key = storageKey(dir.resolve(KEY_FILE));
        RecordSealer sealer = new RecordSealer(key);
        key.destroy();
        Path file = StateHome.privateFile(dir.resolve(DATABASE));
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                // Rewritten pages are zeroed rather than left in free space (they held sealed records only, but still).
                s.execute("PRAGMA secure_delete = ON");
            }
            return new ChatHistory(c, sealer, deviceId);
        } catch (SQLException e) {
            throw new IOException("cannot open the chat history " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code deviceId}'s history, undelivered messages included, and its storage key, so
     * the next {@link #open} starts empty (the demo's fresh start). Identity and credentials stay.
     *
     * @return whether there was anything to delete
     */
    public static boolean forget(Path home, String deviceId) throws IOException {
        Path dir = directory(home, deviceId);
        boolean any = false;
        for (String name : new String[] {DATABASE, DATABASE + "-journal", DATABASE + "-wal", DATABASE + "-shm", KEY_FILE}) {
            any |= Files.deleteIfExists(dir.resolve(name));
        }
        return any;
    }

    private static SecretBytes storageKey(Path file) throws IOException {
        if (Files.exists(file)) {
            String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (hex.length() != KeyLength.HEX_CHARS) {
                throw new IOException("the history key " + file + " is damaged (expected " + KeyLength.HEX_CHARS
                        + " hex digits); move it and the history away to start a new history");
            }
            return SecretBytes.fromHex(hex);
        }
        SecretBytes key = SecretBytes.random(KeyLength.BYTES, new SecureRandom());
        StateHome.privateFile(file); // 0600 before the key is written
        Files.writeString(file, key.toHex(), StandardCharsets.US_ASCII);
        return key;
    }

    /** Every message, oldest first. */
    public synchronized List<ChatMessage> messages() {
        List<ChatMessage> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT lookup, record FROM messages ORDER BY position")) {
            while (r.next()) {
                byte[] lookup = r.getBytes(1);
                open(lookup, r.getBytes(2)).ifPresent(out::add);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the chat history: " + e.getMessage(), e);
        }
        return out;
    }

    /** Outgoing messages that are neither delivered nor failed: the ones to send again after a restart. */
    public List<ChatMessage> toResume() {
        return messages().stream().filter(m -> m.outgoing() && m.delivery() != DeliveryState.DELIVERED
                && m.delivery() != DeliveryState.FAILED).toList();
    }

    /**
     * Hands {@code session} every message still to deliver from earlier runs (call after
     * {@link SecureChatSession#start}); each goes under its own id, so the peer shows it once.
     */
    public void resumeInto(SecureChatSession session) {
        toResume().forEach(session::resume);
    }

    /** Adds {@code m} unless a message with its id (from the same sender) is already kept. */
    public synchronized boolean add(ChatMessage m) {
        byte[] lookup = lookup(m.sender(), m.id());
        try (PreparedStatement p = db.prepareStatement(
                "INSERT OR IGNORE INTO messages (lookup, position, record) VALUES (?, ?, ?)")) {
            p.setBytes(1, lookup);
            p.setLong(2, nextPosition);
            p.setBytes(3, seal(lookup, m));
            boolean added = p.executeUpdate() == 1;
            if (added) {
                nextPosition++;
            }
            return added;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the chat history: " + e.getMessage(), e);
        }
    }

    /** Records the new delivery state of our message {@code id}. */
    public synchronized void setDelivery(String id, DeliveryState state) {
        byte[] lookup = lookup(me, id);
        find(lookup).ifPresent(m -> {
            ChatMessage next = new ChatMessage(m.id(), m.peer(), m.sender(), m.text(), m.time(), m.outgoing(),
                    m.keyId(), state);
            try (PreparedStatement p = db.prepareStatement("UPDATE messages SET record = ? WHERE lookup = ?")) {
                p.setBytes(1, seal(lookup, next));
                p.setBytes(2, lookup);
                p.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write the chat history: " + e.getMessage(), e);
            }
        });
    }

    /** Our message {@code id}, if kept. */
    public synchronized Optional<ChatMessage> outgoing(String id) {
        return find(lookup(me, id));
    }

    /** Deletes our message {@code id} (the user deleted a message that was not delivered). */
    public synchronized void delete(String id) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM messages WHERE lookup = ?")) {
            p.setBytes(1, lookup(me, id));
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the chat history: " + e.getMessage(), e);
        }
    }

    /**
     * A listener that keeps this history up to date with a session: messages shown and every
     * change of delivery state. Add it before the UI's listener, so that what is shown is kept.
     */
    public SessionListener recorder() {
        return new SessionListener() {
            @Override
            public void messageAdded(ChatMessage message) {
                add(message);
            }

            @Override
            public void deliveryChanged(String messageId, DeliveryState state) {
                setDelivery(messageId, state);
            }
        };
    }

    @Override
    public synchronized void close() {
        sealer.destroy();
        try {
            db.close();
        } catch (SQLException e) {
            // closing: nothing left to do with it
        }
    }

    private Optional<ChatMessage> find(byte[] lookup) {
        try (PreparedStatement p = db.prepareStatement("SELECT record FROM messages WHERE lookup = ?")) {
            p.setBytes(1, lookup);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? open(lookup, r.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the chat history: " + e.getMessage(), e);
        }
    }

    /** The row of {@code sender}'s message {@code id}: a peer's id cannot collide with one of ours. */
    private byte[] lookup(String sender, String id) {
        return sealer.lookup(sender + " " + id);
    }

    private static byte[] place(byte[] lookup) {
        return ("qstcs/1 history messages " + HexFormat.of().formatHex(lookup)).getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] seal(byte[] lookup, ChatMessage m) {
        ObjectNode o = KmsClient.JSON.createObjectNode()
                .put("id", m.id()).put("peer", m.peer()).put("sender", m.sender()).put("text", m.text())
                .put("time_ms", m.time().toEpochMilli()).put("outgoing", m.outgoing())
                .put("delivery", m.delivery().name());
        if (m.keyId() != null) {
            o.put("key_id", m.keyId());
        }
        return sealer.seal(o.toString().getBytes(StandardCharsets.UTF_8), place(lookup));
    }

    /** The message in a record; empty for a record that fails its check (never shown, never an error). */
    private Optional<ChatMessage> open(byte[] lookup, byte[] record) {
        try {
            JsonNode o = KmsClient.JSON.readTree(sealer.open(record, place(lookup)));
            return Optional.of(new ChatMessage(o.path("id").asText(), o.path("peer").asText(),
                    o.path("sender").asText(), o.path("text").asText(), Instant.ofEpochMilli(o.path("time_ms").asLong()),
                    o.path("outgoing").asBoolean(), o.hasNonNull("key_id") ? o.path("key_id").asText() : null,
                    DeliveryState.valueOf(o.path("delivery").asText())));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ChatHistory[" + me + "]";
    }
}
