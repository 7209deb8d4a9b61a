package qstcs.kms.etsi014;

import java.util.List;

import qstcs.crypto.keys.SecretBytes;

/**
 * The KMS's key pool as an ETSI 014 KME sees it. A draw is all-or-nothing and decided under
 * the link's lock, so no key leaves the pool once the link has gone RED.
 */
public interface LinkKeySupply {
    /** The outcome of a draw. */
    sealed interface Draw permits Drawn, LinkRed, PoolShort, Standby {
    }

    /** {@code count} keys of the requested size; they have left the pool. */
    record Drawn(List<SecretBytes> keys) implements Draw {
        public Drawn {
            keys = List.copyOf(keys);
        }
    }

    /** The link is RED: nothing is issued until an operator resets it. */
    record LinkRed() implements Draw {
    }

    /** The pool cannot serve the request now (even after extra rounds). */
    record PoolShort() implements Draw {
    }

    /** Another KMS process on the shared database leads the link; this one holds no key. */
    record Standby() implements Draw {
    }

    /** Draws {@code count} keys of {@code sizeBits} bits each (a multiple of 8). */
    Draw draw(int sizeBits, int count);

    /** Key bits in the pool now. */
    long storedBits();

    /** The most key bits the pool holds. */
    long capacityBits();

    boolean red();
}
