package qstcs.server.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import qstcs.crypto.home.StateHome;

/**
 * The SAE certificates this CA issued and which of them are revoked, in
 * {@code $QSTCS_HOME/kms/sae-certificates.tsv} (serial, SAE id, issued, revoked or {@code -}; 0600).
 * The issue and revoke commands write it (under a file lock, replaced atomically); the running KMS
 * reads it again whenever it changed, so a revocation counts from the next request on. Only
 * certificates listed here and not revoked identify an SAE.
 */
public final class SaeRegistry {
    public static final String FILE = "sae-certificates.tsv";
    private static final String LOCK_FILE = ".sae.lock";

    /** Where a certificate stands. */
    public enum Standing { ACTIVE, REVOKED, UNKNOWN }

    /** One issued certificate. */
    public record Entry(BigInteger serial, String saeId, Instant issuedAt, Instant revokedAt) {
        boolean revoked() {
            return revokedAt != null;
        }
    }

    private record Loaded(FileTime modified, long size, Object fileKey, Map<BigInteger, Entry> bySerial) {
    }

    private final Path file;
    private volatile Loaded loaded = new Loaded(null, -1, null, Map.of());

    private SaeRegistry(Path file) {
        this.file = file;
    }

    /** The registry of the KMS whose state directory is {@code kmsDir}, read lazily and on change. */
    public static SaeRegistry watching(Path kmsDir) {
        return new SaeRegistry(kmsDir.resolve(FILE));
    }

    /** The standing of the certificate with this serial, from the file as it is now. */
    public Standing standing(BigInteger serial) {
        Entry e = current().get(serial);
        return e == null ? Standing.UNKNOWN : e.revoked() ? Standing.REVOKED : Standing.ACTIVE;
    }

    private Map<BigInteger, Entry> current() {
        Loaded l = loaded;
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            // Unreadable now: keep the last good view rather than admit or refuse everybody.
            return l.bySerial();
        }
        if (attrs.lastModifiedTime().equals(l.modified()) && attrs.size() == l.size()
                && java.util.Objects.equals(attrs.fileKey(), l.fileKey())) {
            return l.bySerial();
        }
        synchronized (this) {
            try {
                Map<BigInteger, Entry> map = new HashMap<>();
                for (Entry e : read(file)) {
                    map.put(e.serial(), e);
                }
                l = new Loaded(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey(), Map.copyOf(map));
                loaded = l;
            } catch (IOException e) {
                return l.bySerial();
            }
            return l.bySerial();
        }
    }

    /** Records a newly issued certificate. */
    public static void recordIssued(Path kmsDir, BigInteger serial, String saeId, Instant at) throws IOException {
        update(kmsDir, entries -> entries.add(new Entry(serial, saeId, at, null)));
    }

    /** Revokes every unrevoked certificate of {@code saeId}; returns how many. */
    public static int revoke(Path kmsDir, String saeId, Instant at) throws IOException {
        int[] count = {0};
        update(kmsDir, entries -> entries.replaceAll(e -> {
            if (e.saeId().equals(saeId) && !e.revoked()) {
                count[0]++;
                return new Entry(e.serial(), e.saeId(), e.issuedAt(), at);
            }
            return e;
        }));
        return count[0];
    }

    /** Every certificate issued so far, oldest first. */
    public static List<Entry> list(Path kmsDir) throws IOException {
        Path f = kmsDir.resolve(FILE);
        return Files.exists(f) ? read(f) : List.of();
    }

    private static void update(Path kmsDir, java.util.function.Consumer<List<Entry>> change) throws IOException {
        Path lockFile = StateHome.privateFile(kmsDir.resolve(LOCK_FILE));
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            List<Entry> entries = new ArrayList<>(list(kmsDir));
            change.accept(entries);
            StringBuilder text = new StringBuilder("# serial\tsae_id\tissued\trevoked\n");
            for (Entry e : entries) {
                text.append(e.serial().toString(16)).append('\t').append(e.saeId()).append('\t').append(e.issuedAt())
                        .append('\t').append(e.revoked() ? e.revokedAt().toString() : "-").append('\n');
            }
            Path tmp = StateHome.privateFile(kmsDir.resolve(FILE + ".tmp"));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, kmsDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, kmsDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static List<Entry> read(Path f) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] p = line.split("\t");
            if (p.length != 4) {
                throw new IOException(f + " is damaged (a line has " + p.length + " fields, 4 expected)");
            }
            try {
                out.add(new Entry(new BigInteger(p[0], 16), p[1], Instant.parse(p[2]),
                        p[3].equals("-") ? null : Instant.parse(p[3])));
            } catch (RuntimeException e) {
                throw new IOException(f + " is damaged: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
