package qstcs.kms;

import java.time.Instant;

import qstcs.crypto.link.LinkColour;

/**
 * An immutable copy of the link's public state, in the field order of {@code /link_status}.
 * {@code qber} is the value the status was decided on (held at the breach value while RED);
 * {@code lastRoundQber} is always the latest round's estimate.
 */
record LinkSnapshot(LinkColour status, double qber, long totalKeysIssued, long totalSessions,
                    long attacksDetected, long activeSessions, boolean eveActive, double eveRate,
                    long version, long round, double lastRoundQber, double keyRateBps, long poolBits,
                    Instant changedAt) {
}
