package qstcs.kms;

/** The colour of the quantum link as shown to operators, devices and the router guard. */
public enum LinkStatus {
    GREEN, YELLOW, RED;

    /** QBER at or above this is suspicious but keys are still issued. */
    public static final double YELLOW_QBER = 0.05;
    /** QBER at or above this is a breach; equals the engine's abort threshold. */
    public static final double RED_QBER = 0.11;

    /** The colour a single round with this estimated QBER deserves (RED is latched elsewhere). */
    public static LinkStatus forQber(double qber) {
        if (qber >= RED_QBER) {
            return RED;
        }
        return qber >= YELLOW_QBER ? YELLOW : GREEN;
    }
}
