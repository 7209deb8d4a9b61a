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
 * to a word, so the parity of a block is a popcount over a few words.
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
    private int corrected;
    private final int[] trace;
    private final NodeQueue queue = new NodeQueue();

    private Cascade(BitString alice, BitString bob, CascadeVariant variant, boolean traced) {
        this.alice = alice;
        this.bob = bob;
        this.variant = variant;
        this.n = alice.length();
        this.passes = new Pass[variant.passes()];
        this.trace = traced ? new int[Math.max(16, n)] : null;
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
            Pass pass = p == 0 ? Pass.identity(alice, bob, k) : Pass.shuffled(alice, bob, k, rng);
            passes[p] = pass;
            started = p + 1;
            for (int blk = 0; blk < pass.blocks; blk++) {
                int lo = blk * pass.blockSize;
                int hi = Math.min(lo + pass.blockSize, n);
                int a = aliceParity(pass, lo, hi);
                pass.known[pass.nodeIndex(blk, 1)] = a == 0 ? EVEN : ODD;
                if (a != pass.bobBits.parity(lo, hi)) {
                    queue.push(hi - lo, p, blk, 1, lo);
                }
            }
            drainQueue();
        }
    }

    /** Searches mismatching blocks, smallest first, until every known parity matches. */
    private void drainQueue() {
        while (!queue.isEmpty()) {
            int pass = queue.pass();
            int blk = queue.block();
            int heap = queue.heap();
            int lo = queue.lo();
            int size = queue.size();
            queue.pop();
            Pass ps = passes[pass];
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

    /** One pass: its permutation, both parties' bits in that order, and known Alice parities. */
    private static final class Pass {
        final int blockSize;
        final int blocks;
        final int[] order;     // pass position -> key index (null: identity)
        final int[] position;  // key index -> pass position (null: identity)
        final BitString aliceBits;
        final BitString bobBits;
        final byte[] known;    // per block, a heap-indexed tree of disclosed Alice parities
        final int span;

        private Pass(int blockSize, int n, int[] order, int[] position, BitString a, BitString b) {
            this.blockSize = blockSize;
            this.blocks = (n + blockSize - 1) / blockSize;
            this.order = order;
            this.position = position;
            this.aliceBits = a;
            this.bobBits = b;
            this.span = 2 * Integer.highestOneBit(Math.max(1, blockSize - 1)) * 2;
            this.known = new byte[blocks * span];
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
            for (int i = n - 1; i > 0; i--) {
                int r = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[r];
                order[r] = tmp;
            }
            int[] position = new int[n];
            BitString pa = new BitString(n);
            BitString pb = new BitString(n);
            long[] wa = pa.words();
            long[] wb = pb.words();
            for (int t = 0; t < n; t++) {
                int j = order[t];
                position[j] = t;
                wa[t >>> 6] |= (long) a.bit(j) << t;
                wb[t >>> 6] |= (long) b.bit(j) << t;
            }
            return new Pass(k, n, order, position, pa, pb);
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
