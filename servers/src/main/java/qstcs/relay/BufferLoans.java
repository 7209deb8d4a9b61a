package qstcs.relay;

import java.util.LinkedHashMap;

/**
 * What the event loop has lent its connections for bytes in flight (read and write buffers, a
 * WebSocket message being assembled), against a budget for all of them together. A legitimate
 * connection returns its loan within a round; one that keeps a TLS record or WebSocket frame
 * unfinished keeps it. So when a new loan would pass the budget, the holder whose loan is oldest
 * (it has kept bytes in flight longest) is the one to cut, never the borrower. Holders are kept in
 * the order they started borrowing; one loop thread uses a ledger, so it has no locks.
 *
 * @param <H> who borrows (a connection)
 */
final class BufferLoans<H> {

    private final long budget;
    /** Holders in the order their current loan began, with the bytes they hold. */
    private final LinkedHashMap<H, long[]> holders = new LinkedHashMap<>();
    private long lent;

    /** @param budget bytes lent at most at once (a single loan larger than this is still made) */
    BufferLoans(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("the budget for lent buffers must be positive, was " + budget);
        }
        this.budget = budget;
    }

    long budget() {
        return budget;
    }

    /** Bytes lent now. */
    long lent() {
        return lent;
    }

    /**
     * The holder to cut before {@code borrower} may borrow {@code bytes}: the one whose loan is
     * oldest, other than {@code borrower}; null when the loan fits, or nobody else holds anything.
     */
    H toCutFor(H borrower, long bytes) {
        if (lent + bytes <= budget) {
            return null;
        }
        for (H h : holders.keySet()) {
            if (!h.equals(borrower)) {
                return h;
            }
        }
        return null;
    }

    /** Records {@code bytes} lent to {@code holder}; a holder that held nothing joins at the end. */
    void lend(H holder, long bytes) {
        if (bytes <= 0) {
            return;
        }
        holders.computeIfAbsent(holder, h -> new long[1])[0] += bytes;
        lent += bytes;
    }

    /** {@code holder} returns {@code bytes} (at most what it holds); holding nothing, it leaves the order. */
    void repay(H holder, long bytes) {
        long[] held = holders.get(holder);
        if (held == null || bytes <= 0) {
            return;
        }
        long n = Math.min(bytes, held[0]);
        held[0] -= n;
        lent -= n;
        if (held[0] == 0) {
            holders.remove(holder);
        }
    }

    /** Writes off whatever {@code holder} still holds (it is closed); later repayments of it change nothing. */
    void forget(H holder) {
        long[] held = holders.remove(holder);
        if (held != null) {
            lent -= held[0];
        }
    }

    /** What {@code holder} holds now. */
    long held(H holder) {
        long[] held = holders.get(holder);
        return held == null ? 0 : held[0];
    }
}
