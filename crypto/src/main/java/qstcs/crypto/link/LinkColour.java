package qstcs.crypto.link;

import java.util.Locale;
import java.util.Optional;

/**
 * The colour of the quantum link as operators, devices, the relay and the router guard see it.
 * GREEN and YELLOW issue keys; RED is a breach. The RED threshold is also the BB84 engine's
 * abort threshold: a round the engine aborts is exactly a round that turns the link RED.
 */
public enum LinkColour {
    GREEN, YELLOW, RED;

    /** QBER at or above this is suspicious, but keys are still issued. */
    public static final double YELLOW_QBER = 0.05;
    /** QBER at or above this is a breach (about 11 % is where BB84 stops yielding secret key). */
    public static final double RED_QBER = 0.11;

    /** The colour a single round with this estimated QBER deserves (the KMS latches RED itself). */
    public static LinkColour forQber(double qber) {
        if (qber >= RED_QBER) {
            return RED;
        }
        return qber >= YELLOW_QBER ? YELLOW : GREEN;
    }

    /** Keys are issued on GREEN and YELLOW only. */
    public boolean issuesKeys() {
        return this != RED;
    }

    /**
     * The colour named by a {@code status} field ({@code "GREEN"}, {@code "YELLOW"}, {@code "RED"},
     * any case); empty for anything else, so a reader can tell "unknown" from a colour.
     */
    public static Optional<LinkColour> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "GREEN" -> Optional.of(GREEN);
            case "YELLOW" -> Optional.of(YELLOW);
            case "RED" -> Optional.of(RED);
            default -> Optional.empty();
        };
    }
}
