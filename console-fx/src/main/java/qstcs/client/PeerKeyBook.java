package qstcs.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import qstcs.crypto.home.StateHome;
import qstcs.crypto.identity.IdentityKey;

/**
 * What this device remembers of its peers' identity keys: the key last seen for each peer and
 * whether the user verified it (compared safety numbers). A key the key service serves is
 * checked against it, so a changed key is noticed even when the key service is the one lying.
 * Kept in {@value #FILE} beside the device's other state; public keys only, so it needs integrity
 * more than secrecy (0600 like all state, rewritten atomically).
 */
public final class PeerKeyBook {

    public static final String FILE = "peer-keys.properties";

    /** How a key the key service served compares with what this device remembered. */
    public enum Status {
        /** Never seen a key for this peer: remembered now, not verified (trust on first use). */
        FIRST_SEEN,
        /** The remembered key. */
        SAME,
        /** A different key than the remembered one: warn, and drop "verified" until verified again. */
        CHANGED
    }

    /** The result of {@link #observe}: the status, and whether the key now held is one the user verified. */
    public record Sighting(Status status, IdentityKey key, boolean verified) {
    }

    private final Path file;
    private final Properties entries = new Properties();

    private PeerKeyBook(Path file) {
        this.file = file;
    }

    /** The book in {@code deviceDir} (created empty when missing). */
    public static PeerKeyBook open(Path deviceDir) throws IOException {
        PeerKeyBook book = new PeerKeyBook(deviceDir.resolve(FILE));
        if (Files.exists(book.file)) {
            try (Reader r = Files.newBufferedReader(book.file, StandardCharsets.UTF_8)) {
                book.entries.load(r);
            }
        }
        return book;
    }

    /** The directory of a device's local state: {@code $QSTCS_HOME/devices/<id>/}. */
    public static Path deviceDirectory(Path home, String deviceId) {
        return home.resolve("devices").resolve(ClientConfig.checkDeviceId(deviceId));
    }

    /**
     * Compares {@code key} (as the key service served it for {@code peer}) with the remembered one.
     * A first key is remembered; a changed key replaces the remembered one but is not verified.
     */
    public synchronized Sighting observe(String peer, IdentityKey key) throws IOException {
        Optional<IdentityKey> known = remembered(peer);
        if (known.isEmpty()) {
            put(peer, key, false, false);
            return new Sighting(Status.FIRST_SEEN, key, false);
        }
        if (known.get().equals(key)) {
            return new Sighting(Status.SAME, key, verified(peer));
        }
        put(peer, key, false, true);
        return new Sighting(Status.CHANGED, key, false);
    }

    /** Records that the user compared the safety number of {@code key} with {@code peer} in person. */
    public synchronized void markVerified(String peer, IdentityKey key) throws IOException {
        put(peer, key, true, false);
    }

    public synchronized Optional<IdentityKey> remembered(String peer) {
        String b64 = entries.getProperty(peer + ".key");
        if (b64 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(IdentityKey.fromBase64(b64));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public synchronized boolean verified(String peer) {
        return "true".equals(entries.getProperty(peer + ".verified"));
    }

    /** Whether the last key seen for {@code peer} replaced another one and has not been verified since. */
    public synchronized boolean changed(String peer) {
        return "true".equals(entries.getProperty(peer + ".changed"));
    }

    private void put(String peer, IdentityKey key, boolean verified, boolean changed) throws IOException {
        entries.setProperty(peer + ".key", key.base64());
        entries.setProperty(peer + ".fingerprint", key.fingerprint());
        entries.setProperty(peer + ".verified", Boolean.toString(verified));
        entries.setProperty(peer + ".changed", Boolean.toString(changed));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = StateHome.privateFile(file.resolveSibling(FILE + ".tmp"));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            entries.store(w, "identity keys of peers as this device last saw them (public keys)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
