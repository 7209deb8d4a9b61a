package qstcs.console;

import qstcs.client.LinkStatus;

/** The KMS link state as the console shows it; {@link #OFFLINE} means the KMS cannot be reached. */
public enum LinkState {
    GREEN, YELLOW, RED, OFFLINE;

    /** The lamp for a KMS reading; a colour this console does not know is shown RED, the safe reading. */
    static LinkState of(LinkStatus.Color color) {
        return switch (color) {
            case GREEN -> GREEN;
            case YELLOW -> YELLOW;
            case RED, UNKNOWN -> RED;
        };
    }
}
