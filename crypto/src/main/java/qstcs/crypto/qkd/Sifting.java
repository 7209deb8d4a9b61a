package qstcs.crypto.qkd;

/**
 * Step 2: sifting. Bob announces his bases, Alice says which matched, and both keep only
 * those positions, remembering each kept bit's basis (the + ones are key, the × ones test bits). {@link Long#compress} gathers the kept bits of a word in one
 * instruction (PEXT on x86 with BMI2), so a word of 64 qubits costs a handful of operations.
 */
final class Sifting {

    private Sifting() {
    }

    static SiftedKeys sift(QubitExchange x) {
        int words = x.words();
        long[] mask = new long[words];
        int kept = 0;
        for (int w = 0; w < words; w++) {
            long m = ~(x.aliceBases()[w] ^ x.bobBases()[w]);
            if (w == words - 1 && (x.qubits() & 63) != 0) {
                m &= (1L << (x.qubits() & 63)) - 1;
            }
            mask[w] = m;
            kept += Long.bitCount(m);
        }
        BitString alice = new BitString(kept);
        BitString bob = new BitString(kept);
        compressInto(x.aliceBits(), mask, alice.words());
        compressInto(x.bobResults(), mask, bob.words());
        long[] testBasis = new long[BitString.wordsFor(kept)];
        compressInto(x.aliceBases(), mask, testBasis);
        return new SiftedKeys(alice, bob, mask, testBasis);
    }

    /** Appends {@code compress(src[w], mask[w])} for every word into {@code out}, densely. */
    static void compressInto(long[] src, long[] mask, long[] out) {
        long acc = 0L;
        int fill = 0;
        int o = 0;
        for (int w = 0; w < src.length; w++) {
            long m = mask[w];
            long bits = Long.compress(src[w], m);
            int count = Long.bitCount(m);
            acc |= bits << fill;
            fill += count;
            if (fill >= 64) {
                out[o++] = acc;
                fill -= 64;
                // The part of `bits` that did not fit; shifting by 64 would be a no-op in Java.
                acc = fill == 0 ? 0L : bits >>> (count - fill);
            }
        }
        if (fill > 0) {
            out[o] = acc;
        }
    }
}
