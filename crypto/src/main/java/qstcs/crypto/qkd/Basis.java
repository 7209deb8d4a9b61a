package qstcs.crypto.qkd;

/** A BB84 measurement basis. */
public enum Basis {
    /** The + basis (0°/90° polarisation). */
    RECTILINEAR('+'),
    /** The × basis (45°/135° polarisation). */
    DIAGONAL('×');

    private final char symbol;

    Basis(char symbol) {
        this.symbol = symbol;
    }

    public char symbol() {
        return symbol;
    }

    static Basis of(long word, int bit) {
        return ((word >>> bit) & 1L) == 0 ? RECTILINEAR : DIAGONAL;
    }
}
