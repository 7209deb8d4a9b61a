package qstcs.console;

import qstcs.crypto.link.LinkColour;

/** The KMS link state as the console shows it; {@link #OFFLINE} means the KMS cannot be reached. */
public enum LinkState {
    GREEN, YELLOW, RED, OFFLINE;

    static LinkState of(LinkColour colour) {
        return switch (colour) {
            case GREEN -> GREEN;
            case YELLOW -> YELLOW;
            case RED -> RED;
        };
    }

    /** The lamp for a KMS {@code status} field; a value this console does not know is shown RED, the safe reading. */
    static LinkState ofStatus(String status) {
        return LinkColour.parse(status).map(LinkState::of).orElse(RED);
    }
}
