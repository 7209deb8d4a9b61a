package qstcs.console;

import java.util.Locale;
import java.util.Optional;
import qstcs.crypto.link.LinkStatus;

/**
 * The sentence the console shows when the link runs but yields no key: in the no-key zone the
 * QBER is under the breach line yet too high for the finite-key bound to leave any secret bits.
 * It must read as "no new keys, not an attack", or operators learn to fear YELLOW.
 */
final class LinkNotice {
    static final String FINITE_KEY = "finite_key";

    private LinkNotice() {
    }

    /** The notice for the latest round, if it added no key for a reason an operator should read. */
    static Optional<String> noKey(LinkState lamp, double lastRoundQber, long keyBits, String reason) {
        if (keyBits != 0 || lamp == LinkState.RED || lamp == LinkState.OFFLINE || reason == null
                || reason.equals(LinkStatus.NO_REASON)) {
            return Optional.empty();
        }
        String qber = String.format(Locale.ROOT, "%.1f %%", lastRoundQber * 100);
        if (reason.equals(FINITE_KEY)) {
            return Optional.of(lamp.name() + " — no new keys: QBER " + qber
                    + " is too high for a secure key (finite-key bound). Not an attack. "
                    + "The pool drains as keys are drawn.");
        }
        return Optional.empty();
    }
}
