package qstcs.kms.etsi014;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import qstcs.crypto.keys.SecretBytes;

/**
 * Keys handed to a master SAE by {@code enc_keys} and still owed to its slaves, until each slave
 * has fetched them with {@code dec_keys} (then the KME forgets them), they expire, or the link
 * breaks. A breach or reset wipes everything and starts a new epoch: a key drawn before the
 * breach but deposited after it is refused, so no pre-breach key is handed out afterwards.
 */
final class DeliveredKeys {
    /** Undelivered keys are kept this long: long enough for a peer that is briefly offline. */
    static final Duration TTL = Duration.ofHours(1);
    /** Bound on keys held for slaves, so a master that never lets its slaves fetch cannot grow memory. */
    static final int CAPACITY = 200_000;

    /** {@code expiresAtNanos} is monotonic: a clock jump neither drops undelivered keys nor keeps them for hours. */
    private record Pending(String master, Set<String> slavesLeft, SecretBytes key, long expiresAtNanos) {
        boolean expired(long nowNanos) {
            return nowNanos - expiresAtNanos > 0;
        }
    }

    /** A key with its id, as {@code enc_keys} and {@code dec_keys} answer it. */
    record IdentifiedKey(UUID id, SecretBytes key) {
        @Override
        public String toString() {
            return "IdentifiedKey[" + id + "]";
        }
    }

    /** The outcome of a {@code dec_keys} lookup. */
    sealed interface Take permits Taken, NotFound, NotEntitled {
    }

    record Taken(List<IdentifiedKey> keys) implements Take {
    }

    record NotFound(List<UUID> ids) implements Take {
    }

    record NotEntitled() implements Take {
    }

    private final Object lock = new Object();
    private final java.util.function.LongSupplier nanoTime;
    private final Map<UUID, Pending> byId = new HashMap<>();
    private long epoch;
    private long deposits;

    /** @param nanoTime monotonic time ({@code System::nanoTime}) for the keys' {@link #TTL} */
    DeliveredKeys(java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Read before drawing from the pool and passed to {@link #deposit}. */
    long epoch() {
        synchronized (lock) {
            return epoch;
        }
    }

    /**
     * Records freshly drawn keys for {@code slaves}; returns them with new ids, or an empty list
     * (and wipes them) when the epoch moved on since {@code drawnInEpoch} or the store is full.
     */
    List<IdentifiedKey> deposit(long drawnInEpoch, String master, Set<String> slaves, List<SecretBytes> keys) {
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            if ((++deposits & 1023) == 0 || byId.size() + keys.size() > CAPACITY) {
                expireLocked(now);
            }
            if (drawnInEpoch != epoch || byId.size() + keys.size() > CAPACITY) {
                keys.forEach(SecretBytes::destroy);
                return List.of();
            }
            List<IdentifiedKey> out = new ArrayList<>(keys.size());
            for (SecretBytes k : keys) {
                UUID id = UUID.randomUUID();
                byId.put(id, new Pending(master, new HashSet<>(slaves), k, now + TTL.toNanos()));
                out.add(new IdentifiedKey(id, copy(k)));
            }
            return out;
        }
    }

    /**
     * The keys {@code ids} for {@code caller}, a slave of the request that made them, asked via
     * {@code master}'s dec_keys route. All or nothing: an unknown (or foreign-master) id is
     * NotFound, a caller that is not among the remaining slaves of a key is NotEntitled, and
     * nothing is handed out or forgotten then. A slave gets a key once.
     */
    Take take(String master, String caller, List<UUID> ids) {
        synchronized (lock) {
            long now = nanoTime.getAsLong();
            Set<UUID> unique = new LinkedHashSet<>(ids);
            List<UUID> missing = new ArrayList<>();
            boolean foreign = false;
            for (UUID id : unique) {
                Pending p = byId.get(id);
                if (p == null || !p.master().equals(master) || p.expired(now)) {
                    missing.add(id);
                } else if (!p.slavesLeft().contains(caller)) {
                    foreign = true;
                }
            }
            if (!missing.isEmpty()) {
                return new NotFound(missing);
            }
            if (foreign) {
                return new NotEntitled();
            }
            List<IdentifiedKey> out = new ArrayList<>(unique.size());
            for (UUID id : unique) {
                Pending p = byId.get(id);
                p.slavesLeft().remove(caller);
                SecretBytes copy = copy(p.key());
                if (p.slavesLeft().isEmpty()) {
                    byId.remove(id).key().destroy();
                }
                out.add(new IdentifiedKey(id, copy));
            }
            return new Taken(out);
        }
    }

    /** The caller's own copy, so wiping the stored key never touches a response being written. */
    private static SecretBytes copy(SecretBytes key) {
        byte[] raw = key.toByteArray();
        try {
            return SecretBytes.copyOf(raw);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    /** Breach or reset: every key still owed is wiped and a new epoch starts. */
    void revokeAll() {
        synchronized (lock) {
            epoch++;
            byId.values().forEach(p -> p.key().destroy());
            byId.clear();
        }
    }

    int size() {
        synchronized (lock) {
            return byId.size();
        }
    }

    private void expireLocked(long now) {
        for (Iterator<Pending> it = byId.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.expired(now)) {
                p.key().destroy();
                it.remove();
            }
        }
    }
}
