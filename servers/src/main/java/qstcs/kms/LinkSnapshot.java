package qstcs.kms;

import java.time.Instant;

/**
 * An immutable copy of the link's public state, in the field order of {@code /link_status}.
 * {@code qber} is the value the status was decided on (held at the breach value while RED);
 * {@code lastRoundQber} is always the latest round's estimate. {@code lastRoundKeyBits} is what
 * the latest round added to the pool, and {@code lastRoundReason} why that was nothing
 * ({@code none} when it added key; {@code finite_key} when the QBER is below the breach line but
 * the finite-key bound leaves no secret bits, so the pool drains while the link stays YELLOW).
 */
record LinkSnapshot(LinkStatus status, double qber, long totalKeysIssued, long totalSessions,
                    long attacksDetected, long activeSessions, boolean eveActive, double eveRate,
                    long version, long round, double lastRoundQber, double keyRateBps, long poolBits,
                    Instant changedAt, long lastRoundKeyBits, String lastRoundReason) {
}
