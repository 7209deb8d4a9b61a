package qstcs.console;

import qstcs.crypto.link.LinkColour;

/** The KMS link state as the console shows it; {@link #OFFLINE} means the KMS cannot be reached. */
public enum LinkState {
    GREEN("●", "secure"), YELLOW("▲", "degraded"), RED("■", "compromised"), OFFLINE("✕", "KMS unreachable");

    private final String shape;
    private final String meaning;

    LinkState(String shape, String meaning) {
        this.shape = shape;
        this.meaning = meaning;
    }

    /**
     * The state as shape, word and meaning ("▲ YELLOW · degraded"): readable without telling the
     * colours apart (deuteranopia), as the lamp and every other state display must be.
     */
    public String label() {
        return shapeAndName() + " · " + meaning;
    }

    /** "▲ YELLOW": the lamp's headline. */
    public String shapeAndName() {
        return shape + " " + name();
    }

    /** "degraded": what the state means for the keys. */
    public String meaning() {
        return meaning;
    }

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
