package qstcs.kms;

/** The outcome of asking {@link LinkState} for a pair key. */
sealed interface KeyRequest {
    /** A key was handed out (fresh or the pair's current one). */
    record Granted(IssuedKey key) implements KeyRequest {
    }

    /** The link is RED: no key until an operator resets. */
    record Compromised(double qber) implements KeyRequest {
    }

    /** A fresh key was needed but the pool is empty: the caller may run a round and retry. */
    record PoolEmpty() implements KeyRequest {
    }
}
