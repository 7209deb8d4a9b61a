package qstcs.console.visualiser;

/** The steps of one BB84 round in the order the visualiser reveals them, from photons to the final key. */
public enum Bb84Stage {
    READY("Ready"),
    ALICE("Alice prepares"),
    EVE("Eve intercepts"),
    BOB("Bob measures"),
    SIFTING("Sifting"),
    SAMPLING("Sample & QBER"),
    CASCADE("Cascade"),
    PRIVACY_AMPLIFICATION("Privacy amplification"),
    FINAL_KEY("Final key");

    private final String label;

    Bb84Stage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether this step has been reached once the round is at {@code current}. */
    public boolean reachedAt(Bb84Stage current) {
        return current.ordinal() >= ordinal();
    }

    Bb84Stage next() {
        return this == FINAL_KEY ? FINAL_KEY : values()[ordinal() + 1];
    }

    Bb84Stage previous() {
        return this == READY ? READY : values()[ordinal() - 1];
    }
}
