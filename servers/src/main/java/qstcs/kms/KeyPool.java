package qstcs.kms;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;

import qstcs.crypto.keys.KeyLength;
import qstcs.crypto.keys.SecretBytes;
import qstcs.crypto.qkd.KeyBits;

/**
 * Final key bits from completed rounds, cut into 256-bit session keys, bounded by a cap in bits.
 * When full, the oldest keys are wiped and dropped so the pool always holds the freshest
 * material. Not thread-safe: {@link LinkState} guards it with its lock.
 */
final class KeyPool {

    private final ArrayDeque<SecretBytes> keys = new ArrayDeque<>();
    private final int capKeys;

    KeyPool(long capBits) {
        if (capBits < KeyLength.BITS) {
            throw new IllegalArgumentException("pool cap must hold at least one 256-bit key, got " + capBits + " bits");
        }
        this.capKeys = (int) Math.min(Integer.MAX_VALUE, capBits / KeyLength.BITS);
    }

    /**
     * Adds the whole 256-bit blocks of a round's final key as pool keys; a trailing partial block
     * is discarded. The working copy of the bits is wiped here; {@code key} stays its caller's.
     */
    void deposit(KeyBits key) {
        byte[] bits = key.toBytes();
        try {
            int blocks = key.length() / KeyLength.BITS;
            byte[] block = new byte[KeyLength.BYTES];
            for (int i = 0; i < blocks; i++) {
                System.arraycopy(bits, i * KeyLength.BYTES, block, 0, KeyLength.BYTES);
                keys.addLast(SecretBytes.copyOf(block));
                if (keys.size() > capKeys) {
                    keys.removeFirst().destroy();
                }
            }
            Arrays.fill(block, (byte) 0);
        } finally {
            Arrays.fill(bits, (byte) 0);
        }
    }

    Optional<SecretBytes> draw() {
        return Optional.ofNullable(keys.pollFirst());
    }

    long bits() {
        return (long) keys.size() * KeyLength.BITS;
    }

    long capBits() {
        return (long) capKeys * KeyLength.BITS;
    }

    /** Wipes everything (breach or reset). */
    void flush() {
        SecretBytes k;
        while ((k = keys.pollFirst()) != null) {
            k.destroy();
        }
    }
}
