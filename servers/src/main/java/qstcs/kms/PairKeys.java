package qstcs.kms;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The issued pair keys: each pair's current key, every key by id (rotated keys stay readable for
 * frames in flight), and how many are active. Revoking wipes a key at once and keeps only its
 * metadata. Not thread-safe: {@link LinkState} guards it with its lock, so a key is never issued
 * after a breach has been decided.
 */
final class PairKeys {

    private final Map<DevicePair, PairKey> currentByPair = new HashMap<>();
    private final Map<UUID, PairKey> byId = new HashMap<>();
    /** Rotated keys per pair, oldest first; at most {@link #ROTATED_PER_PAIR} each. */
    private final Map<DevicePair, ArrayDeque<PairKey>> rotatedByPair = new HashMap<>();
    private long active;

    /**
     * Rotated keys a pair keeps readable for frames still in flight. A device that rotates in a
     * loop would otherwise keep a key per request alive for twice the key lifetime and fill the
     * heap; the oldest beyond this are revoked and forgotten.
     */
    static final int ROTATED_PER_PAIR = 4;

    /** The pair's current key, or null. */
    PairKey current(DevicePair pair) {
        return currentByPair.get(pair);
    }

    /** A key by id, whatever its state, or null. */
    PairKey byId(UUID id) {
        return byId.get(id);
    }

    /**
     * Makes {@code fresh} its pair's current key; the previous one is rotated (still readable).
     *
     * @return the id of the key it replaced, or null
     */
    String install(PairKey fresh) {
        PairKey previous = currentByPair.put(fresh.pair(), fresh);
        byId.put(fresh.id(), fresh);
        active++;
        if (previous == null) {
            return null;
        }
        if (previous.state() == PairKey.State.ACTIVE) {
            active--;
        }
        previous.rotate();
        ArrayDeque<PairKey> rotated = rotatedByPair.computeIfAbsent(fresh.pair(), p -> new ArrayDeque<>());
        rotated.addLast(previous);
        while (rotated.size() > ROTATED_PER_PAIR) {
            PairKey oldest = rotated.removeFirst();
            oldest.revoke();
            byId.remove(oldest.id());
        }
        return previous.id().toString();
    }

    /** Revokes every key not revoked yet (a breach); returns how many. Metadata stays for lookups. */
    int revokeAll() {
        int revoked = 0;
        for (PairKey k : byId.values()) {
            if (k.state() != PairKey.State.REVOKED) {
                k.revoke();
                revoked++;
            }
        }
        currentByPair.clear();
        rotatedByPair.clear();
        active = 0;
        return revoked;
    }

    /** Revokes every key {@code deviceId} could read (its pairs and the broadcast group). */
    int revokeMember(String deviceId) {
        int revoked = 0;
        for (PairKey k : byId.values()) {
            if (k.pair().hasMember(deviceId) && k.state() != PairKey.State.REVOKED) {
                if (k.state() == PairKey.State.ACTIVE) {
                    active--;
                }
                k.revoke();
                revoked++;
            }
        }
        currentByPair.keySet().removeIf(p -> p.hasMember(deviceId));
        rotatedByPair.keySet().removeIf(p -> p.hasMember(deviceId));
        return revoked;
    }

    /**
     * Drops rotated keys older than {@code age} at monotonic time {@code nowNanos}: no honest
     * frame can still need them.
     */
    void forgetRotatedOlderThan(java.time.Duration age, long nowNanos) {
        byId.values().removeIf(k -> {
            if (k.state() == PairKey.State.ROTATED && k.ageNanos(nowNanos) > age.toNanos()) {
                k.revoke();
                return true;
            }
            return false;
        });
        rotatedByPair.values().forEach(q -> q.removeIf(k -> k.state() == PairKey.State.REVOKED));
        rotatedByPair.values().removeIf(ArrayDeque::isEmpty);
    }

    /** Wipes and forgets every key (reset, shutdown). */
    void clear() {
        for (PairKey k : byId.values()) {
            k.revoke();
        }
        byId.clear();
        currentByPair.clear();
        rotatedByPair.clear();
        active = 0;
    }

    long active() {
        return active;
    }
}
