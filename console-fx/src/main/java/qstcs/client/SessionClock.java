package qstcs.client;

import java.time.Instant;

/**
 * The two times a session reads: wall-clock time for message timestamps and key age, and a
 * monotonic counter for resend timing. A test passes a clock it moves by hand.
 */
interface SessionClock {
    SessionClock SYSTEM = new SessionClock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    Instant now();

    long nanoTime();
}
