package qstcs.console;

/** The KMS link state as the console shows it; {@link #OFFLINE} means the KMS cannot be reached. */
public enum LinkState {
    GREEN, YELLOW, RED, OFFLINE;

    /** Parses the KMS {@code status} field; anything unexpected is treated as RED, the safe reading. */
    static LinkState fromKms(String status) {
        if (status == null) {
            return RED;
        }
        return switch (status) {
            case "GREEN" -> GREEN;
            case "YELLOW" -> YELLOW;
            default -> RED;
        };
    }
}
