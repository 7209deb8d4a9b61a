package qstcs.crypto.qkd;

/**
 * Cascade parameter sets, named as in Martinez-Mateo, Pacher, Peev, Ciurana and Martin,
 * "Demystifying the information reconciliation protocol Cascade", Quantum Information and
 * Computation 15 (2015) 453–477 (arXiv:1407.3257).
 *
 * <p>Each variant fixes the number of passes, the block size of every pass as a function of
 * the estimated QBER {@code Q} and key length {@code n}, and whether parities of sub-blocks
 * learnt in earlier BINARY searches are reused when the cascade effect reopens a pass
 * ("sub-block reuse": the smallest block known to contain an odd number of errors is searched
 * instead of the whole top-level block).
 */
public enum CascadeVariant {

    /** Brassard–Salvail 1993: 4 passes, k1 = ⌈0.73/Q⌉, k(i) = 2·k(i−1). */
    ORIGINAL(4, false) {
        @Override
        long blockSize(int pass, double q, int n) {
            return (long) ceil(0.73 / q) << (pass - 1);
        }
    },

    /**
     * Yan et al. 2008, the paper's "Cascade opt. (2)": 10 passes, k1 = ⌈0.8/Q⌉, k2 = 5·k1,
     * then blocks of n/2 (each later pass acts like a BICONF check of a random half).
     */
    YAN_OPTION2(10, false) {
        @Override
        long blockSize(int pass, double q, int n) {
            return switch (pass) {
                case 1 -> ceil(0.8 / q);
                case 2 -> 5L * ceil(0.8 / q);
                default -> n / 2;
            };
        }
    },

    /**
     * The paper's "Cascade opt. (7)": 14 passes, k1 = 2^⌈log2(1/Q)⌉ (a power of two, so BINARY
     * never wastes a parity), k2 = 4·k1, then n/2, with sub-block reuse.
     */
    OPTION7(14, true) {
        @Override
        long blockSize(int pass, double q, int n) {
            long k1 = 1L << ceil(log2(1.0 / q));
            return switch (pass) {
                case 1 -> k1;
                case 2 -> 4L * k1;
                default -> n / 2;
            };
        }
    },

    /**
     * The paper's "Cascade opt. (8)": 14 passes, α = log2(1/Q) − 1/2, k1 = 2^⌈α⌉,
     * k2 = 2^⌈(α+12)/2⌉, k3 = 4096, then n/2, with sub-block reuse.
     */
    OPTION8(14, true) {
        @Override
        long blockSize(int pass, double q, int n) {
            double alpha = log2(1.0 / q) - 0.5;
            return switch (pass) {
                case 1 -> 1L << ceil(alpha);
                case 2 -> 1L << ceil((alpha + 12.0) / 2.0);
                case 3 -> 4096;
                default -> n / 2;
            };
        }
    };

    /** Below this, block sizes stop growing (a QBER of 0 would ask for infinite blocks). */
    static final double MIN_QBER = 1e-5;

    private final int passes;
    private final boolean subBlockReuse;

    CascadeVariant(int passes, boolean subBlockReuse) {
        this.passes = passes;
        this.subBlockReuse = subBlockReuse;
    }

    /** The recommended production variant: the most efficient one measured here. */
    public static CascadeVariant fastest() {
        return OPTION8;
    }

    public int passes() {
        return passes;
    }

    boolean subBlockReuse() {
        return subBlockReuse;
    }

    /** Block size of pass {@code pass} (1-based) for estimated QBER q and n key bits, in [1, n]. */
    int blockSizeFor(int pass, double q, int n) {
        double qq = Math.max(q, MIN_QBER);
        long k = blockSize(pass, Math.min(qq, 0.5), n);
        return (int) Math.max(1, Math.min(k, Math.max(n, 1)));
    }

    abstract long blockSize(int pass, double q, int n);

    private static int ceil(double x) {
        return (int) Math.min(Math.ceil(x), 1 << 30);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }
}
