package qstcs.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for observable state instead of sleeping for a guessed time: polls a condition until it
 * holds and fails with a description (and the last value seen) when it does not within a
 * generous bound. The bound only ends a broken test; it never measures the product.
 */
public final class Await {

    /** Long enough for a loaded CI machine; a passing test never waits this long. */
    public static final Duration BOUND = Duration.ofSeconds(30);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, BOUND, condition);
    }

    public static void until(String what, Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still waiting after " + bound.toSeconds() + " s for: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }

    /** The first value of {@code read} that satisfies {@code done}. */
    public static <T> T value(String what, Supplier<T> read, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still waiting after " + BOUND.toSeconds() + " s for: " + what + " (last: " + last + ")");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
            last = read.get();
        }
        return last;
    }
}
