package qstcs.crypto.qkd;

import java.util.Arrays;

/**
 * A mutable string of bits packed 64 to a {@code long}: bit {@code i} lives in
 * {@code words[i >>> 6]} at position {@code i & 63}. Bits past {@link #length()} in the last
 * word are always zero, so word-wise popcounts and comparisons need no masking.
 *
 * <p>Internal to the engine: it may hold secret key material, so it never prints its contents.
 */
final class BitString {

    private final long[] words;
    private final int length;

    BitString(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        this.length = length;
        this.words = new long[wordsFor(length)];
    }

    /** Wraps {@code words} (not copied); bits past {@code length} are cleared. */
    BitString(long[] words, int length) {
        if (length < 0 || wordsFor(length) > words.length) {
            throw new IllegalArgumentException("length " + length + " does not fit " + words.length + " words");
        }
        this.length = length;
        this.words = words;
        clearTail();
    }

    static int wordsFor(int bits) {
        return (int) (((long) bits + 63) >>> 6);
    }

    static BitString random(int length, java.util.random.RandomGenerator rng) {
        BitString s = new BitString(length);
        for (int i = 0; i < s.words.length; i++) {
            s.words[i] = rng.nextLong();
        }
        s.clearTail();
        return s;
    }

    int length() {
        return length;
    }

    /** The backing words (not a copy): engine steps read and write them directly for speed. */
    long[] words() {
        return words;
    }

    boolean get(int i) {
        return ((words[i >>> 6] >>> i) & 1L) != 0;
    }

    int bit(int i) {
        return (int) ((words[i >>> 6] >>> i) & 1L);
    }

    void set(int i, boolean value) {
        if (value) {
            words[i >>> 6] |= 1L << i;
        } else {
            words[i >>> 6] &= ~(1L << i);
        }
    }

    void flip(int i) {
        words[i >>> 6] ^= 1L << i;
    }

    BitString copy() {
        return new BitString(words.clone(), length);
    }

    int popCount() {
        int c = 0;
        for (long w : words) {
            c += Long.bitCount(w);
        }
        return c;
    }

    /** Parity of bits {@code [from, to)}. */
    int parity(int from, int to) {
        if (from >= to) {
            return 0;
        }
        int fw = from >>> 6;
        int tw = (to - 1) >>> 6;
        long headMask = -1L << from;
        long tailMask = -1L >>> (63 - ((to - 1) & 63));
        if (fw == tw) {
            return Long.bitCount(words[fw] & headMask & tailMask) & 1;
        }
        long acc = words[fw] & headMask;
        for (int w = fw + 1; w < tw; w++) {
            acc ^= words[w];
        }
        acc ^= words[tw] & tailMask;
        return Long.bitCount(acc) & 1;
    }

    /** Number of positions where this and {@code other} differ (same length required). */
    int hammingDistance(BitString other) {
        requireSameLength(other);
        int d = 0;
        for (int i = 0; i < words.length; i++) {
            d += Long.bitCount(words[i] ^ other.words[i]);
        }
        return d;
    }

    /** The 64 bits starting at {@code from}; positions past the end read as zero. */
    long window64(int from) {
        int w = from >>> 6;
        int sh = from & 63;
        long lo = w < words.length ? words[w] >>> sh : 0L;
        if (sh == 0) {
            return lo;
        }
        long hi = w + 1 < words.length ? words[w + 1] << (64 - sh) : 0L;
        return lo | hi;
    }

    /** Bits {@code [from, from + count)} as a new string. */
    BitString slice(int from, int count) {
        if (from < 0 || count < 0 || (long) from + count > length) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + ((long) from + count) + ") of " + length + " bits");
        }
        BitString out = new BitString(count);
        for (int i = 0; i < out.words.length; i++) {
            out.words[i] = window64(from + 64 * i);
        }
        out.clearTail();
        return out;
    }

    boolean contentEquals(BitString other) {
        return length == other.length && Arrays.equals(words, other.words);
    }

    void clearTail() {
        int rem = length & 63;
        if (rem != 0) {
            words[words.length - 1] &= (1L << rem) - 1;
        }
        for (int i = wordsFor(length); i < words.length; i++) {
            words[i] = 0;
        }
    }

    /** Overwrites every word with zero (destroying key material). */
    void wipe() {
        Arrays.fill(words, 0L);
    }

    private void requireSameLength(BitString other) {
        if (other.length != length) {
            throw new IllegalArgumentException("lengths differ: " + length + " vs " + other.length);
        }
    }

    @Override
    public String toString() {
        return "BitString[" + length + " bits]";
    }
}
