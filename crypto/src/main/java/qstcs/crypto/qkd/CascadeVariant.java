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
 * instead of the whole top-level block), and whether the last block's parity of each pass is
 * inferred from the key parity instead of disclosed ("block-parity inference").
 */
public enum CascadeVariant {

    /** Brassard–Salvail 1993: 4 passes, k1 = ⌈0.73/Q⌉, k(i) = 2·k(i−1). */
    ORIGINAL(4, false, false) {
        @Override
        long blockSize(int pass, double q, int n) {
            return (long) ceil(0.73 / q) << (pass - 1);
        }
    },

    /**
     * Yan et al. 2008, the paper's "Cascade opt. (2)": 10 passes, k1 = ⌈0.8/Q⌉, k2 = 5·k1,
     * then blocks of n/2 (each later pass acts like a BICONF check of a random half).
     */
    YAN_OPTION2(10, false, false) {
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
    OPTION7(14, true, false) {
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
    OPTION8(14, true, false) {
        @Override
        long blockSize(int pass, double q, int n) {
            return option8BlockSize(pass, q, n);
        }
    },

    /**
     * Opt. (8) block sizes with block-parity inference: Alice's parity of the whole key is
     * known once pass 1 has disclosed all its blocks, so in every later pass the parity of the
     * last block follows from the others and is not sent (no new information leaks). A
     * random-halves pass then costs one parity bit instead of two, which pays for 16 of them
     * instead of 11 (19 passes): slightly less leak than opt. (8) and a frame error rate about
     * 2^5 times lower. This project's production default.
     */
    OPTION8_INFERRED(19, true, true) {
        @Override
        long blockSize(int pass, double q, int n) {
            return option8BlockSize(pass, q, n);
        }
    };

    private static long option8BlockSize(int pass, double q, int n) {
        double alpha = log2(1.0 / q) - 0.5;
        return switch (pass) {
            case 1 -> 1L << ceil(alpha);
            case 2 -> 1L << ceil((alpha + 12.0) / 2.0);
            case 3 -> 4096;
            default -> n / 2;
        };
    }

    /** Below this, block sizes stop growing (a QBER of 0 would ask for infinite blocks). */
    static final double MIN_QBER = 1e-5;

    private final int passes;
    private final boolean subBlockReuse;
    private final boolean parityInference;

    CascadeVariant(int passes, boolean subBlockReuse, boolean parityInference) {
        this.passes = passes;
        this.subBlockReuse = subBlockReuse;
        this.parityInference = parityInference;
    }

    /**
     * The recommended production variant: the lowest leak (f ≈ 1.05) with a frame error rate
     * well below 10^-3, at more than 20 Mbit/s (see docs/BENCHMARKS.md).
     */
    public static CascadeVariant fastest() {
        return OPTION8_INFERRED;
    }

    public int passes() {
        return passes;
    }

    boolean subBlockReuse() {
        return subBlockReuse;
    }

    boolean parityInference() {
        return parityInference;
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
