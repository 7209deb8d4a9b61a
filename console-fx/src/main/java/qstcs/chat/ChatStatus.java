package qstcs.chat;

import java.util.Locale;
import qstcs.client.ConnectionState;
import qstcs.crypto.link.LinkColour;
import qstcs.crypto.link.LinkStatus;

/**
 * Everything the chat window says about its security, derived from one reading of the facts, so
 * that no badge can claim what the status bar denies: is a key held for the open conversation, what
 * colour did the key service last report, is the key service reachable, is the relay. A value the
 * window can no longer confirm is shown as stale (grey, "last known"), never as current.
 *
 * @param connection   the session's state (ONLINE means registered at the relay)
 * @param link         the key service's latest reading; null before the first one
 * @param kmsReachable whether the key service answered last time it was asked
 * @param keyHeld      whether a key is held for the open conversation
 * @param hybrid       whether the ML-KEM hybrid exchange protects it
 * @param retrySeconds seconds until the next automatic attempt to reach a service; negative when none is pending
 */
public record ChatStatus(ConnectionState connection, LinkStatus link, boolean kmsReachable, boolean keyHeld,
                         boolean hybrid, long retrySeconds) {

    /** Before anything is known. */
    public static final ChatStatus INITIAL = new ChatStatus(ConnectionState.IDLE, null, false, false, false, -1);

    /** The link colour to show; null while unknown. */
    public LinkColour colour() {
        return link == null ? null : link.status();
    }

    /** The link colour and QBER are the key service's last word, which it cannot confirm now. */
    public boolean linkStale() {
        return link != null && !kmsReachable;
    }

    /** Registered at the relay: frames can flow. */
    public boolean relayReachable() {
        return connection == ConnectionState.ONLINE;
    }

    /** Messages to the open conversation are sealed with a key right now (what the badge may claim). */
    public boolean encrypting() {
        return keyHeld && relayReachable() && colour() != LinkColour.RED;
    }

    /** The status bar's link words. */
    public String linkText() {
        if (link == null) {
            return kmsReachable ? "Link UNKNOWN" : "Link UNKNOWN — key service unreachable";
        }
        String colour = link.status().name();
        if (linkStale()) {
            return "Link " + colour + " (last known) — key service unreachable";
        }
        if (noKeyZone()) {
            return "Link YELLOW — no new keys (QBER too high for a secure key); not an attack";
        }
        return "Link " + colour;
    }

    /**
     * The link is YELLOW and the last round added no key because the finite-key bound left none:
     * noise, not an eavesdropper; existing keys still work, new ones run out.
     */
    public boolean noKeyZone() {
        return link != null && link.status() == LinkColour.YELLOW && link.keyBits() == 0
                && "finite_key".equals(link.reason());
    }

    public String qberText() {
        return link == null ? "QBER –" : String.format(Locale.ROOT, "QBER %.1f %%", link.qber() * 100);
    }

    /** The conversation header's badge. */
    public String badge() {
        if (!keyHeld) {
            return "no key";
        }
        return hybrid ? "AES-256-GCM + ML-KEM" : "AES-256-GCM";
    }

    /** The badge stands for keys in use now (else it is grey). */
    public boolean badgeCurrent() {
        return encrypting();
    }

    /** The line under the device's own name. */
    public String connectionText() {
        String retry = retrySeconds >= 0 ? " · retry in " + retrySeconds + " s" : "";
        return switch (connection) {
            case IDLE -> "not connected";
            case CONNECTING, RECONNECTING -> {
                if (!kmsReachable && link == null) {
                    yield "key service unreachable" + retry;
                }
                if (retrySeconds >= 0) {
                    yield (kmsReachable ? "relay unreachable" : "key service unreachable") + retry;
                }
                yield connection == ConnectionState.CONNECTING ? "connecting…" : "reconnecting…";
            }
            // A key already held keeps working while the key service is away: still encrypted, but say it.
            case ONLINE -> (encrypting() ? "online · encrypted" : "online · no key yet")
                    + (kmsReachable ? "" : " · key service unreachable");
            case COMPROMISED -> "link compromised";
            case FAILED -> "not connected";
            case CLOSED -> "signed out";
        };
    }
}
