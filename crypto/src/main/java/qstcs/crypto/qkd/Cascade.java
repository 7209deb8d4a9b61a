package qstcs.crypto.qkd;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Step 5: Cascade error reconciliation (Brassard and Salvail 1993) and its optimized
 * variants, see {@link CascadeVariant}.
 *
 * <p>Both parties live in this process, but the roles stay separate: every parity of Alice's
 * key that Bob learns goes through {@link #aliceParity}, which counts it in {@code leak}; Bob
 * computes his own parities locally. Alice's parity of a block never changes, so once
 * disclosed it is remembered; when Bob flips a bit, every remembered block containing it
 * changes its match state (the cascade effect), and the smallest such mismatching block is
 * searched with BINARY. In a BINARY step Alice discloses the parity of the left half; the
 * right half's parity follows from the parent's and costs nothing.
 *
 * <p>Each pass shuffles the key with a fresh uniform permutation (pass 1 keeps the sifted
 * order, which is already random) and keeps Alice's and Bob's bits in that order packed 64
 * to a word, so the parity of a block is a popcount over a few words. Passes whose blocks are
 * halves of the key stay lazy until BINARY needs them (see {@code Pass}). With block-parity
 * inference the last block's parity of every later pass is derived from the key parity that
 * pass 1 made public, and is not counted as leaked because it reveals nothing new.
 */
final class Cascade {

    private static final byte UNKNOWN = 0;
    private static final byte EVEN = 1;
    private static final byte ODD = 2;

    private final BitString alice;
    private final BitString bob;
    private final CascadeVariant variant;
    private final int n;
    private final Pass[] passes;
    private int started;
    private long leak;
    private int keyParity;   // parity of Alice's whole key, public after pass 1
    private int corrected;
    private final int[] trace;
    private final NodeQueue queue = new NodeQueue();

    private Cascade(BitString alice, BitString bob, CascadeVariant variant, boolean traced) {
        this.alice = alice;
        this.bob = bob;
        this.variant = variant;
        this.n = alice.length();
        this.passes = new Pass[variant.passes()];
        this.trace = traced ? new int[n + 2] : null;   // at most n + 1 flips (see drainQueue)
    }

    /**
     * Reconciles Bob's key towards Alice's. {@code bob} is not modified; the corrected copy is
     * returned.
     */
    static Reconciliation reconcile(BitString alice, BitString bob, double qber, CascadeVariant variant,
                                    RandomGenerator rng, boolean traced) {
        if (alice.length() != bob.length()) {
            throw new IllegalArgumentException("key lengths differ: " + alice.length() + " vs " + bob.length());
        }
        Cascade c = new Cascade(alice, bob.copy(), variant, traced);
        if (c.n > 0) {
            c.run(qber, rng);
        }
        int[] corrections = traced ? Arrays.copyOf(c.trace, c.corrected) : new int[0];
        return new Reconciliation(c.bob, c.leak, corrections, c.corrected);
    }

    private void run(double qber, RandomGenerator rng) {
        for (int p = 0; p < passes.length; p++) {
            int k = variant.blockSizeFor(p + 1, qber, n);
            Pass pass;
            if (p > 0 && n >= 2 && k >= n / 2) {
                pass = Pass.halves(n, rng);
            } else {
                pass = p == 0 ? Pass.identity(alice, bob, k) : Pass.shuffled(alice, bob, k, rng);
            }
            passes[p] = pass;
            started = p + 1;
            int othersParity = 0;   // XOR of this pass's disclosed block parities so far
            for (int blk = 0; blk < pass.blocks; blk++) {
                int lo = blk * pass.blockSize;
                int hi = Math.min(lo + pass.blockSize, n);
                // With inference, the last block's parity is the key parity (known since
                // pass 1) minus the others: Bob can compute it, so Alice does not send it.
                boolean inferred = p > 0 && variant.parityInference() && blk == pass.blocks - 1;
                int a;
                if (pass.isLazy()) {
                    if (inferred) {
                        a = keyParity ^ othersParity;
                    } else {
                        leak++;
                        a = pass.lazyParity(alice, blk);
                    }
                    pass.lazyAlice[blk] = (byte) a;
                    pass.lazyBob[blk] = (byte) pass.lazyParity(bob, blk);
                } else {
                    a = inferred ? keyParity ^ othersParity : aliceParity(pass, lo, hi);
                    pass.known[pass.nodeIndex(blk, 1)] = a == 0 ? EVEN : ODD;
                }
                othersParity ^= a;
                if (a != bobParity(pass, blk, lo, hi)) {
                    queue.push(hi - lo, p, blk, 1, lo);
                }
            }
            if (p == 0) {
                keyParity = othersParity;   // every pass-1 block was disclosed
            }
            drainQueue(rng);
        }
    }

    private int bobParity(Pass pass, int blk, int lo, int hi) {
        return pass.isLazy() ? pass.lazyBob[blk] : pass.bobBits.parity(lo, hi);
    }

    /**
     * Searches mismatching blocks, smallest first, until every known parity matches. Every
     * correct BINARY fixes one error, so more flips than key bits would mean a defect; the
     * loop then stops rather than spin, and verification discards the round.
     */
    private void drainQueue(RandomGenerator rng) {
        while (!queue.isEmpty() && corrected <= n) {
            int pass = queue.pass();
            int blk = queue.block();
            int heap = queue.heap();
            int lo = queue.lo();
            int size = queue.size();
            queue.pop();
            Pass ps = passes[pass];
            if (ps.isLazy()) {
                if (ps.lazyAlice[blk] == ps.lazyBob[blk]) {
                    continue;
                }
                ps.materialize(alice, bob, rng);
            }
            byte known = ps.known[ps.nodeIndex(blk, heap)];
            if ((known == ODD ? 1 : 0) == ps.bobBits.parity(lo, lo + size)) {
                continue;  // fixed meanwhile by another correction
            }
            binary(pass, blk, heap, lo, lo + size);
        }
    }

    /** BINARY inside a node whose Alice parity is known and differs from Bob's. */
    private void binary(int p, int blk, int heap, int lo, int hi) {
        Pass ps = passes[p];
        int parentParity = ps.known[ps.nodeIndex(blk, heap)] == ODD ? 1 : 0;
        while (hi - lo > 1) {
            int mid = lo + ((hi - lo + 1) >>> 1);
            int left = ps.nodeIndex(blk, 2 * heap);
            int aliceLeft;
            if (variant.subBlockReuse() && ps.known[left] != UNKNOWN) {
                aliceLeft = ps.known[left] == ODD ? 1 : 0;
            } else {
                aliceLeft = aliceParity(ps, lo, mid);
                ps.known[left] = aliceLeft == 0 ? EVEN : ODD;
                ps.known[left + 1] = (aliceLeft ^ parentParity) == 0 ? EVEN : ODD;
            }
            if (aliceLeft != ps.bobBits.parity(lo, mid)) {
                heap = 2 * heap;
                hi = mid;
                parentParity = aliceLeft;
            } else {
                heap = 2 * heap + 1;
                lo = mid;
                parentParity ^= aliceLeft;
            }
        }
        flipBob(ps.keyIndex(lo), p);
    }

    private int aliceParity(Pass pass, int lo, int hi) {
        leak++;
        return pass.aliceBits.parity(lo, hi);
    }

    /** Flips Bob's key bit {@code j} and queues every known block of other passes it reopens. */
    private void flipBob(int j, int fromPass) {
        if (trace != null) {
            trace[corrected] = j;
        }
        corrected++;
        bob.flip(j);
        for (int q = 0; q < started; q++) {
            Pass ps = passes[q];
            if (ps.isLazy()) {
                int blk = ps.halfOf(j);
                ps.lazyBob[blk] ^= 1;
                if (ps.lazyBob[blk] != ps.lazyAlice[blk]) {
                    int lo = blk * ps.blockSize;   // the second half is one shorter when n is odd
                    queue.push(Math.min(ps.blockSize, n - lo), q, blk, 1, lo);
                }
                continue;
            }
            int t = ps.position(j);
            if (ps.bobBits != bob) {
                ps.bobBits.flip(t);
            }
            if (q == fromPass) {
                continue;
            }
            int blk = t / ps.blockSize;
            int lo = blk * ps.blockSize;
            int hi = Math.min(lo + ps.blockSize, n);
            int heap = 1;
            if (variant.subBlockReuse()) {
                // Descend to the smallest block with a known Alice parity that contains t.
                while (hi - lo > 1) {
                    int mid = lo + ((hi - lo + 1) >>> 1);
                    int child = t < mid ? 2 * heap : 2 * heap + 1;
                    if (ps.known[ps.nodeIndex(blk, child)] == UNKNOWN) {
                        break;
                    }
                    heap = child;
                    if (t < mid) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
            }
            queue.push(hi - lo, q, blk, heap, lo);
        }
    }

    /**
     * One pass: its permutation, both parties' bits in that order, and known Alice parities.
     *
     * <p>A pass whose blocks are halves of the key starts <em>lazy</em>: a uniformly random
     * balanced mask says which half each bit is in, and block parities are popcounts of the
     * masked key, so no permutation is built. Only if a half ever needs BINARY is the pass
     * materialized with a uniform order inside each half, which makes it the same as a
     * uniformly shuffled pass with blocks of ⌈n/2⌉. Most such passes never need it, which
     * saves a shuffle and two bit gathers per pass.
     */
    private static final class Pass {
        final int blockSize;
        final int blocks;
        int[] order;     // pass position -> key index (null: identity)
        int[] position;  // key index -> pass position (null: identity)
        BitString aliceBits;
        BitString bobBits;
        byte[] known;    // per block, a heap-indexed tree of disclosed Alice parities
        final int span;
        long[] half;            // lazy pass: 1 = first half; null once materialized or for other passes
        final byte[] lazyAlice; // lazy pass: Alice's disclosed parity of each half
        final byte[] lazyBob;   // lazy pass: Bob's current parity of each half, kept up to date

        private Pass(int blockSize, int n, int[] order, int[] position, BitString a, BitString b) {
            this.blockSize = blockSize;
            this.blocks = (n + blockSize - 1) / blockSize;
            this.order = order;
            this.position = position;
            this.aliceBits = a;
            this.bobBits = b;
            this.span = 2 * Integer.highestOneBit(Math.max(1, blockSize - 1)) * 2;
            this.known = a == null ? null : new byte[blocks * span];
            this.lazyAlice = a == null ? new byte[blocks] : null;
            this.lazyBob = a == null ? new byte[blocks] : null;
        }

        /** A lazy pass splitting the key into a random half of ⌈n/2⌉ bits and the rest. */
        static Pass halves(int n, RandomGenerator rng) {
            int first = (n + 1) / 2;
            Pass p = new Pass(first, n, null, null, null, null);
            p.half = balancedMask(n, first, rng);
            return p;
        }

        boolean isLazy() {
            return half != null;
        }

        int halfOf(int keyIndex) {
            return ((half[keyIndex >>> 6] >>> keyIndex) & 1L) != 0 ? 0 : 1;
        }

        /** Parity of {@code key} over half {@code blk} of a lazy pass. */
        int lazyParity(BitString key, int blk) {
            long[] w = key.words();
            long acc = 0;
            if (blk == 0) {
                for (int i = 0; i < w.length; i++) {
                    acc ^= w[i] & half[i];
                }
            } else {
                for (int i = 0; i < w.length; i++) {
                    acc ^= w[i] & ~half[i];  // bits past the key length are zero in w
                }
            }
            return Long.bitCount(acc) & 1;
        }

        /** Turns a lazy pass into an ordinary one: a uniform order inside each half. */
        void materialize(BitString a, BitString b, RandomGenerator rng) {
            int n = a.length();
            int[] ord = new int[n];
            int front = 0;
            int back = blockSize;
            for (int j = 0; j < n; j++) {
                if (halfOf(j) == 0) {
                    ord[front++] = j;
                } else {
                    ord[back++] = j;
                }
            }
            shuffle(ord, 0, blockSize, rng);
            shuffle(ord, blockSize, n, rng);
            gather(a, b, ord);
            known = new byte[blocks * span];
            for (int blk = 0; blk < blocks; blk++) {
                known[nodeIndex(blk, 1)] = lazyAlice[blk] == 0 ? EVEN : ODD;
            }
            half = null;
        }

        private void gather(BitString a, BitString b, int[] ord) {
            int n = a.length();
            int[] pos = new int[n];
            BitString pa = new BitString(n);
            BitString pb = new BitString(n);
            long[] wa = pa.words();
            long[] wb = pb.words();
            for (int t = 0; t < n; t++) {
                int j = ord[t];
                pos[j] = t;
                wa[t >>> 6] |= (long) a.bit(j) << t;
                wb[t >>> 6] |= (long) b.bit(j) << t;
            }
            order = ord;
            position = pos;
            aliceBits = pa;
            bobBits = pb;
        }

        static Pass identity(BitString a, BitString b, int k) {
            return new Pass(k, a.length(), null, null, a, b);
        }

        static Pass shuffled(BitString a, BitString b, int k, RandomGenerator rng) {
            int n = a.length();
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            shuffle(order, 0, n, rng);
            Pass p = new Pass(k, n, null, null, a, b);
            p.gather(a, b, order);
            return p;
        }

        int position(int keyIndex) {
            return position == null ? keyIndex : position[keyIndex];
        }

        int keyIndex(int pos) {
            return order == null ? pos : order[pos];
        }

        int nodeIndex(int blk, int heap) {
            return blk * span + heap;
        }
    }

    /** Fisher–Yates on {@code a[from, to)}. */
    static void shuffle(int[] a, int from, int to, RandomGenerator rng) {
        for (int i = to - 1; i > from; i--) {
            int r = from + boundedInt(rng, i - from + 1);
            int tmp = a[i];
            a[i] = a[r];
            a[r] = tmp;
        }
    }

    /**
     * Uniform integer in [0, bound) by Lemire's multiply-and-shift with rejection: one 32-bit
     * draw and a multiplication instead of the division {@code nextInt(bound)} uses.
     */
    static int boundedInt(RandomGenerator rng, int bound) {
        long m = (rng.nextInt() & 0xFFFF_FFFFL) * bound;
        long low = m & 0xFFFF_FFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (rng.nextInt() & 0xFFFF_FFFFL) * bound;
                low = m & 0xFFFF_FFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /**
     * A uniformly random subset of exactly {@code ones} of {@code n} positions: fair coins for
     * every bit (one random word per 64), then random single positions are cleared or set
     * until the count is right. By symmetry every subset of that size is equally likely.
     */
    static long[] balancedMask(int n, int ones, RandomGenerator rng) {
        long[] m = new long[BitString.wordsFor(n)];
        int count = 0;
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextLong();
        }
        if ((n & 63) != 0) {
            m[m.length - 1] &= (1L << (n & 63)) - 1;
        }
        for (long w : m) {
            count += Long.bitCount(w);
        }
        while (count != ones) {
            int i = boundedInt(rng, n);
            long bit = 1L << i;
            boolean set = (m[i >>> 6] & bit) != 0;
            if (count > ones && set) {
                m[i >>> 6] &= ~bit;
                count--;
            } else if (count < ones && !set) {
                m[i >>> 6] |= bit;
                count++;
            }
        }
        return m;
    }

    /** A min-heap of blocks to search, ordered by size (smaller blocks cost fewer parities). */
    private static final class NodeQueue {
        private int[] size = new int[64];
        private int[] pass = new int[64];
        private int[] block = new int[64];
        private int[] heap = new int[64];
        private int[] lo = new int[64];
        private int count;

        boolean isEmpty() {
            return count == 0;
        }

        int size() {
            return size[0];
        }

        int pass() {
            return pass[0];
        }

        int block() {
            return block[0];
        }

        int heap() {
            return heap[0];
        }

        int lo() {
            return lo[0];
        }

        void push(int s, int p, int b, int h, int l) {
            if (count == size.length) {
                int cap = count * 2;
                size = Arrays.copyOf(size, cap);
                pass = Arrays.copyOf(pass, cap);
                block = Arrays.copyOf(block, cap);
                heap = Arrays.copyOf(heap, cap);
                lo = Arrays.copyOf(lo, cap);
            }
            int i = count++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (size[parent] <= s) {
                    break;
                }
                move(parent, i);
                i = parent;
            }
            set(i, s, p, b, h, l);
        }

        void pop() {
            count--;
            if (count == 0) {
                return;
            }
            int s = size[count];
            int p = pass[count];
            int b = block[count];
            int h = heap[count];
            int l = lo[count];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= count) {
                    break;
                }
                if (c + 1 < count && size[c + 1] < size[c]) {
                    c++;
                }
                if (size[c] >= s) {
                    break;
                }
                move(c, i);
                i = c;
            }
            set(i, s, p, b, h, l);
        }

        private void move(int from, int to) {
            set(to, size[from], pass[from], block[from], heap[from], lo[from]);
        }

        private void set(int i, int s, int p, int b, int h, int l) {
            size[i] = s;
            pass[i] = p;
            block[i] = b;
            heap[i] = h;
            lo[i] = l;
        }
    }
}
