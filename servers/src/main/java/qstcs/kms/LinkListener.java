package qstcs.kms;

import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

/**
 * Observers of the link (event stream, audit log, metrics). Called by {@link LinkState} while it
 * holds its lock, so every observer sees events in the order they happened; implementations must
 * therefore only enqueue or count, never block.
 */
interface LinkListener {
    default void roundCompleted(RoundReport round, LinkStatus after) {
    }

    default void statusChanged(LinkStatus now, LinkColour before, String cause) {
    }

    default void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
    }

    /** A new key was drawn for a pair; {@code replaced} is the id of the key it rotated, or null. */
    default void keyCreated(IssuedKey key, String requester, String replaced) {
    }

    /** Every successful key response, fresh or shared. */
    default void keyDelivered() {
    }

    default void eveChanged(boolean active, double rate, String actor) {
    }

    default void linkReset(OperatorAction by, LinkStatus now) {
    }

    /** Composes listeners; the order given is the order they are called. */
    static LinkListener all(LinkListener... listeners) {
        return new LinkListener() {
            @Override
            public void roundCompleted(RoundReport round, LinkStatus after) {
                for (LinkListener l : listeners) {
                    l.roundCompleted(round, after);
                }
            }

            @Override
            public void statusChanged(LinkStatus now, LinkColour before, String cause) {
                for (LinkListener l : listeners) {
                    l.statusChanged(now, before, cause);
                }
            }

            @Override
            public void breach(double qber, boolean forced, OperatorAction by, int keysRevoked) {
                for (LinkListener l : listeners) {
                    l.breach(qber, forced, by, keysRevoked);
                }
            }

            @Override
            public void keyCreated(IssuedKey key, String requester, String replaced) {
                for (LinkListener l : listeners) {
                    l.keyCreated(key, requester, replaced);
                }
            }

            @Override
            public void keyDelivered() {
                for (LinkListener l : listeners) {
                    l.keyDelivered();
                }
            }

            @Override
            public void eveChanged(boolean active, double rate, String actor) {
                for (LinkListener l : listeners) {
                    l.eveChanged(active, rate, actor);
                }
            }

            @Override
            public void linkReset(OperatorAction by, LinkStatus now) {
                for (LinkListener l : listeners) {
                    l.linkReset(by, now);
                }
            }
        };
    }
}
